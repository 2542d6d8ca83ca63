/** Installable and offline: the manifest, the service worker, a visit with the network off. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';
import { FIXTURES } from './global-setup.ts';
import { BASE, expect, test, waitReady } from './support.ts';

test.use({ serviceWorkers: 'allow' });

test('the manifest is valid and Chromium finds the app installable', async ({ request }) => {
  const manifest = await (await request.get(`${BASE}/manifest.webmanifest`)).json();
  expect(manifest).toMatchObject({ name: expect.stringContaining('ResEmote'), short_name: 'ResEmote', start_url: '/', display: 'standalone' });
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) expect((await request.get(`${BASE}/${icon.src}`)).headers()['content-type']).toBe('image/png');
  // Installability is only judged outside incognito: a real profile, in a temporary folder.
  const profile = mkdtempSync(join(tmpdir(), 'resemote-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, serviceWorkers: 'allow' });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(BASE);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('after one visit the app works with the network off: a photo is analysed', async ({ page, context }) => {
  await page.goto('/');
  await waitReady(page);
  // The service worker has precached the app shell, the engine worker and the detector runtime.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (;;) {
      const keys = await caches.keys();
      const shell = keys.find((k) => k.startsWith('resemote-shell-'));
      if (shell && (await (await caches.open(shell)).keys()).some((r) => r.url.endsWith('.wasm'))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  await context.setOffline(true);
  await page.reload();
  await waitReady(page);
  await page.getByTestId('tab-photo').click();
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  await context.setOffline(false);
});

test.describe('on WebAssembly', () => {
  test.use({ backend: 'wasm' });

  test('after one visit the app works offline on WebAssembly: its binaries were precached from the app origin', async ({ page, context }) => {
    await page.goto('/');
    await waitReady(page);
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      for (;;) {
        const shell = (await caches.keys()).find((k) => k.startsWith('resemote-shell-'));
        if (shell && (await (await caches.open(shell)).keys()).some((r) => r.url.endsWith('/tfjs-wasm/tfjs-backend-wasm-simd.wasm'))) return;
        await new Promise((r) => setTimeout(r, 200)); // polls the cache being filled, an event with no callback
      }
    });
    await context.setOffline(true);
    await page.reload();
    await waitReady(page);
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
    await page.getByTestId('tab-photo').click();
    await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
    await expect(page.getByTestId('face-count')).toContainText('3 faces');
    await expect(page.getByTestId('stat-backend')).toHaveText('wasm');
    await context.setOffline(false);
  });
});
