/**
 * The camera is never left on behind the user's back: live tracks are counted through an init
 * script that wraps getUserMedia, so a track the app forgot to stop shows up here.
 */
import { FACE_Y4M } from './global-setup.ts';
import { expect, launchWithCamera, openPage, test } from './support.ts';

const countTracks = () => {
  const w = window as unknown as { __tracks: MediaStreamTrack[] };
  w.__tracks = [];
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    w.__tracks.push(...stream.getTracks());
    return stream;
  };
};
const liveTracks = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.filter((t) => t.readyState === 'live').length);
const opened = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.length);

test('switching to Photo while the camera is opening leaves no live track and no error', async () => {
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await openPage(browser, { camera: true });
  await page.addInitScript(countTracks);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByTestId('camera-toggle').click();
  await page.getByTestId('tab-photo').click(); // before the stream has opened
  await expect.poll(() => opened(page), { timeout: 30_000 }).toBeGreaterThan(0); // the request did complete
  await expect.poll(() => liveTracks(page), { timeout: 10_000 }).toBe(0);
  await page.getByTestId('tab-camera').click();
  await expect(page.getByTestId('camera-toggle')).toHaveText('Start camera');
  expect(errors).toEqual([]);
  await browser.close();
});

test('30 Start clicks in one task open at most one live camera track', async () => {
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await openPage(browser, { camera: true });
  await page.addInitScript(countTracks);
  await page.goto('/');
  await page.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="camera-toggle"]')!;
    for (let i = 0; i < 30; i++) button.click();
  });
  await expect.poll(() => opened(page), { timeout: 30_000 }).toBeGreaterThan(0);
  // Whatever the clicks left it in, settle: then count.
  await expect(page.getByTestId('camera-toggle')).not.toHaveText(/Starting/, { timeout: 30_000 });
  expect(await liveTracks(page)).toBeLessThanOrEqual(1);
  const running = (await page.getByTestId('camera-toggle').textContent()) === 'Stop camera';
  expect(await liveTracks(page)).toBe(running ? 1 : 0);
  await browser.close();
});
