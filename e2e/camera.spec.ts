import { FACE_Y4M, NO_FACE_Y4M } from './global-setup.ts';
import { engineTensors, expect, foreign, framesProcessed, launchWithCamera, openPage, recordErrors, recordRequests, test, waitFrames, waitReady } from './support.ts';

/** Painted (non-transparent) pixels of the overlay canvas. */
const painted = (page: import('@playwright/test').Page) =>
  page.getByTestId('overlay').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });

test('camera: a face gets a box and seven emotion bars, a plausible top emotion, and stable tensors', async () => {
  // 100 frames on SwiftShader's WebGL: 2.1 min on an idle 2-core machine, over 3 on a busy one.
  test.setTimeout(600_000);
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await openPage(browser, { camera: true });
  const requests = recordRequests(page);
  const errors = recordErrors(page);
  await page.goto('/');
  await waitReady(page);
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
  await expect(page.getByTestId('stat-thread')).toHaveText('worker');
  await expect(page.getByTestId('live-region')).toContainText('face 1: happy');
  expect(await painted(page)).toBeGreaterThan(2000);
  await page.screenshot({ path: 'test-results/camera-face.png' });

  // Tensors held stay flat over 100 frames: nothing leaks per frame.
  const start = await framesProcessed(page);
  const before = await engineTensors(page);
  await waitFrames(page, start + 100, 480_000);
  expect(await engineTensors(page)).toBe(before);
  // The frames were the camera track's own, read by copy in the engine: not one became a bitmap
  // (each bitmap of a frame costs Chromium a shared-memory copy; docs/speed.md).
  expect(await page.evaluate(() => window.__resemote!.info().frameSource)).toBe('track');
  const read = await page.evaluate(() => window.__resemote!.memory());
  expect(read!.frames.bitmaps).toBe(0);
  expect(read!.frames.copied).toBeGreaterThanOrEqual(100);

  // Stop camera: the overlay is wiped at once and the stats reset (no ghost box, no stale numbers).
  await page.getByTestId('camera-toggle').click();
  await expect(page.getByTestId('camera-toggle')).toHaveText('Start camera');
  expect(await painted(page)).toBe(0);
  await expect(page.getByTestId('stat-faces')).toHaveText('—');
  await expect(page.getByTestId('stat-fps')).toHaveText('—');
  expect(await page.evaluate(() => window.__resemote!.faces())).toEqual([]);

  // Start again, then the camera goes away mid-stream (unplugged): the app says so and stops cleanly.
  await page.getByTestId('camera-toggle').click();
  const restarted = await framesProcessed(page);
  await waitFrames(page, restarted + 2);
  await page.evaluate(() => {
    const video = document.querySelector('video')!;
    (video.srcObject as MediaStream).getVideoTracks()[0]!.dispatchEvent(new Event('ended'));
  });
  await expect(page.getByTestId('notice-camera-ended')).toContainText('The camera stopped');
  await expect(page.getByTestId('camera-toggle')).toHaveText('Start camera');
  await expect(page.getByTestId('stat-faces')).toHaveText('—');
  expect(await painted(page)).toBe(0);
  expect(foreign(requests)).toEqual([]);
  expect(errors).toEqual([]); // a normal session prints no error of its own
  await browser.close();
});

test('camera: a scene without a face shows the "no face" state', async () => {
  const browser = await launchWithCamera(NO_FACE_Y4M);
  const page = await openPage(browser, { camera: true });
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('camera-toggle').click();
  await waitFrames(page, 5);
  await expect(page.getByTestId('no-face')).toBeVisible();
  await expect(page.getByTestId('stat-faces')).toHaveText('0');
  expect(await page.evaluate(() => window.__resemote!.faces())).toEqual([]);
  await browser.close();
});

test('camera: permission denied gives a clear message and a way forward', async () => {
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await openPage(browser); // camera permission not granted: the browser denies it
  await page.goto('/');
  await page.getByTestId('camera-toggle').click();
  const notice = page.getByTestId('notice-camera-denied');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Camera access was denied');
  await expect(notice).toContainText('analyse a photo instead');
  await expect(page.getByTestId('camera-toggle')).toHaveText('Start camera'); // nothing crashed, can retry
  await browser.close();
});
