import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MEDIAPIPE_BUNDLE, mediapipeOffline, REFUSAL, withoutNetwork } from './mediapipe-offline.ts';

// What `import '@mediapipe/tasks-vision'` gives a bundler (its package.json's "import" export).
const bundlePath = join(import.meta.dirname, '../../node_modules/@mediapipe/tasks-vision/vision_bundle.mjs');
const bundle = readFileSync(bundlePath, 'utf8');

/** Import `code` as an ES module (from a temporary file). */
async function importCode(code: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'mediapipe-offline-'));
  try {
    writeFileSync(join(dir, 'm.mjs'), code);
    return (await import(/* @vite-ignore */ pathToFileURL(join(dir, 'm.mjs')).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("MediaPipe's bundle without network", () => {
  it('the bundle the engine imports sends its usage log with the bare global fetch, which a declaration in its scope replaces', () => {
    // What the plugin relies on: MediaPipe's log goes through `fetch(...)`, never a property
    // (self.fetch, globalThis.fetch, window.fetch) that a module-scoped declaration would not reach,
    // and the bundle declares no fetch of its own that an appended one would clash with.
    expect(MEDIAPIPE_BUNDLE.test(bundlePath)).toBe(true);
    expect(bundle).toContain('https://odml.pa.googleapis.com/v1/log');
    expect(bundle).toMatch(/[^.\w$]fetch\(t\.url,/);
    expect(bundle.match(/[.\w$]fetch\b/g) ?? []).toEqual([]);
    expect(bundle).not.toMatch(/\b(?:function|var|let|const|class)\s+fetch\b/);
  });

  it("gives a module a fetch that refuses every request, and leaves everyone else's fetch alone", async () => {
    const page = globalThis.fetch;
    const m = await importCode(withoutNetwork('export const send = (url) => fetch(url, { method: "POST" });\nexport const mine = () => fetch;'));
    await expect((m.send as (u: string) => Promise<unknown>)('https://odml.pa.googleapis.com/v1/log')).rejects.toThrow(`${REFUSAL}: https://odml.pa.googleapis.com/v1/log`);
    await expect((m.send as (u: unknown) => Promise<unknown>)(new Request('http://localhost/model.tflite'))).rejects.toThrow('http://localhost/model.tflite');
    expect((m.mine as () => unknown)()).not.toBe(page);
    expect(globalThis.fetch).toBe(page);
  });

  it('the transformed bundle is still the same module, its lines where they were', async () => {
    const out = withoutNetwork(bundle);
    expect(out.startsWith(bundle)).toBe(true);
    const m = await importCode(out);
    expect(typeof (m.FaceDetector as { createFromOptions?: unknown }).createFromOptions).toBe('function');
  });

  it('the plugin transforms only that bundle', () => {
    const plugin = mediapipeOffline();
    const transform = plugin.transform as (code: string, id: string) => { code: string } | null;
    expect(transform('x()', bundlePath)?.code).toBe(withoutNetwork('x()'));
    expect(transform('x()', `${bundlePath}?v=1`)?.code).toBe(withoutNetwork('x()'));
    expect(transform('x()', '/src/engine/detector.ts')).toBeNull();
  });
});
