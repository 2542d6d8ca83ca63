/**
 * What a first visit downloads, counted where it is sent (scripts/lib/wire.ts: a proxy in front of
 * the preview server records every response, whoever asked: the page, the engine's worker, the
 * service worker). Sizes are printed by `npm run bench:download`; this spec pins what must hold.
 */
import { join } from 'node:path';
import { downloadedTwice, type WireProxy, wireProxy } from '../scripts/lib/wire.ts';
import { FIXTURES } from './global-setup.ts';
import { BASE, expect, test, waitReady } from './support.ts';

test.use({ serviceWorkers: 'allow', backend: 'auto' });

let proxy: WireProxy;
test.beforeEach(async () => {
  proxy = await wireProxy(BASE);
});
test.afterEach(async () => {
  await proxy.close();
});

test('a first visit downloads each file once, compressed, and nothing this browser never runs', async ({ page }) => {
  await page.goto(proxy.url);
  await waitReady(page);
  await page.getByTestId('tab-photo').click();
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  // The service worker keeps the runtime for the next visit offline: wait until it holds both
  // binaries, then until the wire is idle (the proxy's count of open requests).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (;;) {
      const shell = (await caches.keys()).find((k) => k.startsWith('resemote-shell-'));
      const urls = shell ? (await (await caches.open(shell)).keys()).map((r) => r.url) : [];
      if (urls.some((u) => u.endsWith('/vision_wasm_module_internal.wasm')) && urls.some((u) => u.endsWith('/tfjs-backend-wasm-simd.wasm'))) return;
      await new Promise((r) => setTimeout(r, 200)); // polls the cache being filled, an event with no callback
    }
  });
  await expect.poll(() => proxy.inFlight(), { timeout: 60_000 }).toBe(0);

  // Each a soft check: a failure names every rule broken, not only the first.
  const sent = proxy.records.filter((r) => r.method === 'GET' && r.status === 200);
  // MediaPipe's 13 MB runtime was sent twice: once to the engine, once to the service worker's precache.
  expect.soft(downloadedTwice(proxy.records)).toEqual([]);
  // Sent precompressed (brotli where the browser takes it), the runtime above all.
  const runtime = sent.find((r) => r.path.endsWith('/vision_wasm_module_internal.wasm'));
  expect.soft(runtime?.encoding).toBe('br');
  const plain = sent.filter((r) => /\.(js|css|wasm|tflite|bin)$/.test(r.path.split('?')[0]!) && !['br', 'gzip'].includes(r.encoding));
  expect.soft(plain.map((r) => r.path)).toEqual([]);
  // TF.js's build for browsers without SIMD: this one has SIMD, and never runs it.
  expect.soft(sent.map((r) => r.path).filter((p) => p.includes('/tfjs-wasm/') && !p.includes('-simd'))).toEqual([]);
});
