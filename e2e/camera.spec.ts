import { expect, test } from '@playwright/test';
import { FACE_Y4M, NO_FACE_Y4M } from './global-setup.ts';
import { BASE, foreign, framesProcessed, launchWithCamera, recordRequests, useBackend, waitFrames, waitReady } from './support.ts';

test('camera: a face gets a box and seven emotion bars, a plausible top emotion, and stable tensors', async () => {
  const browser = await launchWithCamera(FACE_Y4M);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['camera'], { origin: BASE });
  const page = await context.newPage();
  const requests = recordRequests(page);
  await page.goto('/');
  await waitReady(page);
  await useBackend(page, 'webgl'); // the faster software backend here; both are checked in backend.spec
  await page.getByTestId('camera-toggle').click();
  await expect(page.getByTestId('camera-toggle')).toHaveText('Stop camera');
  await waitFrames(page, 5);

  const faces = await page.evaluate(() => window.__resemote!.faces());
  expect(faces).toHaveLength(1);
  expect(faces[0]!.probs).toHaveLength(7);
  expect(faces[0]!.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  expect(faces[0]!.top).toBe('happy'); // a broad smile showing teeth
  await expect(page.getByTestId('no-face')).toBeHidden();
  await expect(page.getByTestId('stat-faces')).toHaveText('1');
  await expect(page.getByTestId('live-region')).toContainText('face 1: happy');

  // The overlay really drew: some pixels of the canvas are painted.
  const painted = await page.getByTestId('overlay').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
  expect(painted).toBeGreaterThan(2000);
  await page.screenshot({ path: 'test-results/camera-face.png' });

  // Tensors held stay flat over 100 frames: nothing leaks per frame.
  const start = await framesProcessed(page);
  const before = await page.evaluate(() => window.__resemote!.info().tensors);
  await waitFrames(page, start + 100, 170_000);
  const after = await page.evaluate(() => window.__resemote!.info().tensors);
  expect(after).toBe(before);

  // The camera goes away mid-stream (unplugged): the track ends; the app says so and stops cleanly.
  await page.evaluate(() => {
    const video = document.querySelector('video')!;
    (video.srcObject as MediaStream).getVideoTracks()[0]!.dispatchEvent(new Event('ended'));
  });
  await expect(page.getByTestId('notice-camera-ended')).toContainText('The camera stopped');
  await expect(page.getByTestId('camera-toggle')).toHaveText('Start camera');
  await expect(page.getByTestId('stat-faces')).toHaveText('0', { timeout: 5000 });
  expect(foreign(requests)).toEqual([]);
  await browser.close();
});

test('camera: a scene without a face shows the "no face" state', async () => {
  const browser = await launchWithCamera(NO_FACE_Y4M);
  const context = await browser.newContext();
  await context.grantPermissions(['camera'], { origin: BASE });
  const page = await context.newPage();
  await page.goto('/');
  await waitReady(page);
  await useBackend(page, 'webgl');
  await page.getByTestId('camera-toggle').click();
  await waitFrames(page, 5);
  await expect(page.getByTestId('no-face')).toBeVisible();
  await expect(page.getByTestId('stat-faces')).toHaveText('0');
  expect(await page.evaluate(() => window.__resemote!.faces())).toEqual([]);
  await browser.close();
});

test('camera: permission denied gives a clear message and a way forward', async () => {
  const browser = await launchWithCamera(FACE_Y4M);
  const context = await browser.newContext(); // camera permission not granted: the browser denies it
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('camera-toggle').click();
  const notice = page.getByTestId('notice-camera-denied');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Camera access was denied');
  await expect(notice).toContainText('analyse a photo instead');
  await expect(page.getByTestId('camera-toggle')).toHaveText('Start camera'); // nothing crashed, can retry
  await browser.close();
});
