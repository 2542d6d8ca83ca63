import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';
import { FIXTURES } from './global-setup.ts';
import { useBackend, waitReady } from './support.ts';

test('backend toggle really switches WebGPU <-> WebGL, and results still appear', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  // WebGPU is the default wherever the browser has it (here: --enable-unsafe-webgpu, SwiftShader).
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGPU');
  expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgpu');
  await page.getByTestId('tab-photo').click();
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  const onWebGpu = await page.getByTestId('result-item').allTextContents();

  await useBackend(page, 'webgl');
  expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgl');
  await expect(page.getByTestId('stat-backend')).toHaveText('webgl', { timeout: 5000 });
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  const onWebGl = await page.getByTestId('result-item').allTextContents();
  // Same faces, same top emotions on both backends (percentages may differ in the last digit).
  expect(onWebGl.map((t) => t.match(/Face \d+: \w+/)?.[0])).toEqual(onWebGpu.map((t) => t.match(/Face \d+: \w+/)?.[0]));

  await useBackend(page, 'webgpu');
  expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgpu');
});

test('a browser without WebGPU: the option is disabled with the reason, the app runs on WebGL', async () => {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu').concat('--disable-features=WebGPU') });
  const page = await browser.newPage();
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('backend-webgpu')).toBeDisabled();
  await expect(page.getByTestId('backend-toggle')).toContainText('unavailable:');
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL');
  await browser.close();
});

test('a model or detector that fails to load gives a clear message instead of a crash', async ({ page }) => {
  await page.route('**/models/**/*.bin', (route) => route.abort());
  await page.route('**/vision_wasm_internal.wasm', (route) => route.abort());
  await page.goto('/');
  await expect(page.getByTestId('notice-model-load')).toContainText('The emotion model could not be loaded');
  await expect(page.getByTestId('notice-detector-load')).toContainText('The face detector could not be loaded');
  await expect(page.getByTestId('tab-photo')).toBeEnabled();
});
