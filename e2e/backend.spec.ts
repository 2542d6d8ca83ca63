import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';
import { FACE_Y4M, FIXTURES } from './global-setup.ts';
import { engineTensors, expect, framesProcessed, launchWithCamera, openPage, test, waitFrames, waitReady } from './support.ts';

const topEmotions = async (page: import('@playwright/test').Page) => (await page.getByTestId('result-item').allTextContents()).map((t) => t.match(/Face \d+: \w+/)?.[0]);

test.describe('WebGPU', () => {
  // SwiftShader's WebGPU compiles its shaders on the CPU: minutes on a busy 2-core machine. These
  // tests wait on the app's readiness, however long it takes, within this budget.
  test.describe.configure({ timeout: 1_500_000 }); // SwiftShader's WebGPU: 8 min for 100 frames on an idle 2-core machine
  test.use({ backend: 'webgpu' });

  test('backend toggle really switches WebGPU <-> WebGL; results agree; the old backend serves frames until the new one is warm', async () => {
    const browser = await launchWithCamera(FACE_Y4M);
    try {
      const page = await openPage(browser, { camera: true, backend: 'webgpu' });
      await page.goto('/');
      await waitReady(page, 600_000);
      // The engine prepares WebGPU in its worker, off the page's thread (how long its tasks take is
      // a figure of npm run bench, not of a test).
      await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGPU');
      await expect(page.getByTestId('stat-thread')).toHaveText('worker');
      expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgpu');
      await page.getByTestId('tab-photo').click();
      await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
      await expect(page.getByTestId('face-count')).toContainText('3 faces', { timeout: 300_000 });
      const onWebGpu = await topEmotions(page);

      // The camera on WebGPU, then the switch: while WebGL warms up, WebGPU still analyses frames.
      await page.getByTestId('tab-camera').click();
      await page.getByTestId('camera-toggle').click();
      await waitFrames(page, 2, 300_000);
      await page.getByTestId('backend-webgl').check();
      await expect(page.getByTestId('backend-active')).toHaveText('switching…');
      const atSwitch = await framesProcessed(page);
      expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgpu');
      // A frame analysed after the switch began, with WebGPU still the engine and the page still
      // switching: WebGPU served while WebGL warmed (a page that waited for WebGL analyses nothing here).
      await page.waitForFunction(
        (n) => {
          const i = window.__resemote!.info();
          return i.frames >= n && i.backend === 'webgpu' && document.querySelector('[data-testid="backend-active"]')?.textContent === 'switching…';
        },
        atSwitch + 1,
        { timeout: 300_000, polling: 100 },
      );
      await expect(page.getByTestId('stat-backend')).toHaveText('webgpu');
      await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL', { timeout: 300_000 });
      expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgl');
      // And frames go on, now on WebGL.
      await waitFrames(page, (await framesProcessed(page)) + 2, 120_000);
      await expect(page.getByTestId('stat-backend')).toHaveText('webgl');
      await page.getByTestId('camera-toggle').click();
      await page.getByTestId('tab-photo').click();
      await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
      await expect(page.getByTestId('stat-backend')).toHaveText('webgl', { timeout: 60_000 });
      await expect(page.getByTestId('face-count')).toContainText('3 faces');
      // Same faces, same top emotions on both backends (percentages may differ in the last digit).
      expect(await topEmotions(page)).toEqual(onWebGpu);
      // Settings survive a reload: the app comes back on WebGL.
      await page.reload();
      await waitReady(page);
      await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL');
    } finally {
      await browser.close();
    }
  });

  test('camera on WebGPU: tensors stay flat over 100 frames', async () => {
    const browser = await launchWithCamera(FACE_Y4M);
    const page = await openPage(browser, { camera: true, backend: 'webgpu' });
    await page.goto('/');
    await waitReady(page, 600_000);
    await page.getByTestId('camera-toggle').click();
    await waitFrames(page, 3, 300_000);
    const start = await framesProcessed(page);
    const before = await engineTensors(page);
    await waitFrames(page, start + 100, 1_080_000);
    expect(await engineTensors(page)).toBe(before);
    await browser.close();
  });
});

test('a browser without WebGPU: the option is disabled with the reason; with nothing chosen the app starts on WebAssembly and warms WebGL', async () => {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu').concat('--disable-features=WebGPU') });
  const page = await openPage(browser, { backend: 'auto' });
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('backend-webgpu')).toBeDisabled();
  await expect(page.getByTestId('backend-toggle')).toContainText('WebGPU (not available here)');
  await expect(page.getByTestId('stats')).toContainText('WebGPU unavailable:'); // the reason, under Details
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
  await expect(page.getByTestId('backend-reason')).toContainText('WebGL');
  await browser.close();
});
