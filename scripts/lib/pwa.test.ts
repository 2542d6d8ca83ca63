import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { precacheOf, serviceWorkerSource, shellOf } from './pwa';

function build(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

const HTML = '<link rel="icon" href="/icons/icon-192.png"><link rel="manifest" href="/manifest.webmanifest"><script type="module" src="/assets/index-abc.js"></script><link rel="stylesheet" href="/assets/index-abc.css"><a href="https://example.org/">x</a>';

describe('service worker file list', () => {
  const files = {
    'index.html': HTML,
    'assets/index-abc.js': 'js',
    'assets/index-abc.css': 'css',
    'assets/engine.worker-abc.js': 'worker',
    'assets/engine-abc.js': 'page engine',
    'icons/icon-192.png': 'png',
    'manifest.webmanifest': '{}',
    'mediapipe/wasm/x.wasm': 'wasm',
    'mediapipe/wasm/x.wasm.br': 'copy',
    'tfjs-wasm/tfjs-backend-wasm-simd.wasm': 'wasm',
    'tfjs-wasm/NOTICE.md': '#',
    'models/m/model.json': '{}',
    'models/index.json': '[]',
    _headers: '/*',
    'sw.js': 'old',
  };

  it('lists the build, not the models (cached by the app itself), the headers, notices, precompressed copies or an old worker', () => {
    const { files: listed } = precacheOf(build(files));
    expect(Object.keys(listed).sort()).toEqual([
      './',
      './assets/engine-abc.js',
      './assets/engine.worker-abc.js',
      './assets/index-abc.css',
      './assets/index-abc.js',
      './icons/icon-192.png',
      './manifest.webmanifest',
      './mediapipe/wasm/x.wasm',
      './tfjs-wasm/tfjs-backend-wasm-simd.wasm',
    ]);
  });

  it("takes at install only the shell the page fetched before the worker controlled it, never the detector's runtime or the TF.js binaries", () => {
    const { shell } = precacheOf(build(files));
    expect(shell).toEqual(['./', './assets/engine.worker-abc.js', './assets/index-abc.css', './assets/index-abc.js', './icons/icon-192.png', './manifest.webmanifest']);
    expect(shell.some((u) => u.endsWith('.wasm'))).toBe(false);
  });

  it('reads the shell from index.html under another base, leaving other origins out', () => {
    expect(shellOf(HTML.replaceAll('"/', '"/app/'), ['assets/index-abc.js', 'assets/index-abc.css'], '/app/')).toEqual(['./', './assets/index-abc.css', './assets/index-abc.js']);
  });

  it("gives each file its content's hash, so a new version carries over the files that did not change", () => {
    const a = precacheOf(build(files)).files;
    const b = precacheOf(build({ ...files, 'assets/index-abc.js': 'changed' })).files;
    expect(b['./assets/index-abc.js']).not.toBe(a['./assets/index-abc.js']);
    expect(b['./mediapipe/wasm/x.wasm']).toBe(a['./mediapipe/wasm/x.wasm']);
  });

  it('has a version made of the files: a new deploy is a new worker, the same build the same', () => {
    const a = precacheOf(build(files));
    expect(precacheOf(build(files)).version).toBe(a.version);
    expect(precacheOf(build({ ...files, 'assets/index-abc.js': 'changed' })).version).not.toBe(a.version);
    const src = serviceWorkerSource(a);
    expect(src).toContain(`const VERSION = "${a.version}"`);
    expect(src).toContain(JSON.stringify(a.files));
    // No install-time download of the whole list: the old worker's cache.addAll(PRECACHE) is gone.
    expect(src).not.toContain('addAll');
  });
});
