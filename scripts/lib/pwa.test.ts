import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { precacheOf, serviceWorkerSource } from './pwa';

function build(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

describe('service worker precache', () => {
  const files = { 'index.html': '<html>', 'assets/index-abc.js': 'js', 'mediapipe/wasm/x.wasm': 'wasm', 'tfjs-wasm/tfjs-backend-wasm-simd.wasm': 'wasm', 'tfjs-wasm/NOTICE.md': '#', 'models/m/model.json': '{}', 'models/index.json': '[]', _headers: '/*', 'sw.js': 'old' };

  it('lists the app shell, the detector runtime and the TF.js wasm, not the models (cached by the app itself), the headers, notices or an old worker', () => {
    const { urls } = precacheOf(build(files));
    expect([...urls].sort()).toEqual(['./', './assets/index-abc.js', './mediapipe/wasm/x.wasm', './tfjs-wasm/tfjs-backend-wasm-simd.wasm']);
  });

  it('has a version made of the files: a new deploy is a new worker, the same build the same', () => {
    const a = precacheOf(build(files)).version;
    expect(precacheOf(build(files)).version).toBe(a);
    expect(precacheOf(build({ ...files, 'assets/index-abc.js': 'changed' })).version).not.toBe(a);
    const src = serviceWorkerSource(['./'], a);
    expect(src).toContain(`const VERSION = "${a}"`);
    expect(src).toContain("includes('/models/')");
  });
});
