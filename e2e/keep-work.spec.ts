/**
 * Work outlives the tab that shows it: a video analysis goes on while the user
 * is on another tab and is all there on the way back; a recording ended by leaving the Camera tab
 * is kept whole, WebM included; Record twice keeps both; sessions come back after a reload.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDuration } from '../src/app/webmDuration.ts';
import { FACE_Y4M, FIXTURES } from './global-setup.ts';
import { cameraRunning, expect, videoReady, launchWithCamera, test, waitFrames } from './support.ts';

type Info = { sessions: { kind: string; rows: number; live: boolean; webm: number }[]; video: { phase: string; done: number; total: number } };
const info = (page: import('@playwright/test').Page) => page.evaluate(() => window.__resemote!.info() as unknown as Info);

test('leaving the Video file tab keeps the video and its analysis, which goes on; the result is a session', async ({ page }) => {
  test.setTimeout(400_000);
  await videoReady(page, join(FIXTURES, 'group-3.jpg'));
  await page.getByTestId('video-analyse').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'analysing');
  await page.getByTestId('tab-photo').click();
  await expect(page.getByTestId('video-view')).toHaveCount(0);
  // Away from the tab, the analysis goes on to the end (old main cancelled it here).
  await page.waitForFunction(() => (window.__resemote!.info() as unknown as Info).video.phase === 'done', null, { timeout: 300_000, polling: 250 });
  const away = await info(page);
  expect(away.video.done).toBe(away.video.total);
  await page.getByTestId('tab-video').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('video-status')).toContainText('(100%)');
  await expect(page.locator('.video-viewport video')).toHaveCount(1);
  expect(Number(await page.getByTestId('video-timeline').getAttribute('data-faces'))).toBeGreaterThan(0);
  // The timeline is the scrubber: a click in the middle of a chart shows the middle of the video.
  const chart = page.getByTestId('video-chart').first();
  const box = (await chart.boundingBox())!;
  await chart.click({ position: { x: box.width / 2, y: box.height / 2 } });
  const moment = page.getByTestId('video-moment');
  await expect(moment).toContainText(/^1\.\d s of/);
  const [at, total] = ((await moment.textContent()) ?? '').match(/[\d.]+/g)!.map(Number);
  expect(Math.abs(at! - total! / 2)).toBeLessThanOrEqual(0.15);
  // The annotated video: a WebM with the overlay and its duration, made even if the user leaves the tab.
  const [annotated] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    (async () => {
      await page.getByTestId('video-export-annotated').click();
      await page.getByTestId('tab-photo').click();
    })(),
  ]);
  const bytes = new Uint8Array(readFileSync(await annotated.path()));
  expect(Array.from(bytes.subarray(0, 4))).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  expect(readDuration(bytes)).toBeGreaterThan(2000);
  expect(annotated.suggestedFilename()).toBe('clip-emotions.webm');
  await page.getByTestId('tab-video').click();
  // And it is a session in the list, with the file's name.
  await expect(page.getByTestId('session-item').first()).toHaveAttribute('data-kind', 'video');
  await expect(page.getByTestId('session-item').first().getByRole('textbox', { name: 'Session name' })).toHaveValue('clip.webm');
});

test('Record twice keeps both; leaving the Camera tab mid-recording keeps it, WebM included; both survive a reload', async () => {
  test.setTimeout(400_000);
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await cameraRunning(browser);
  // First recording: a few analysed frames, then Stop.
  await page.getByTestId('record-toggle').click();
  let frames = await page.evaluate(() => window.__resemote!.info().frames);
  await waitFrames(page, frames + 3);
  await page.getByTestId('record-toggle').click();
  await expect(page.getByTestId('last-recording')).toBeVisible();
  const firstRows = Number(await page.getByTestId('record-rows').textContent());
  expect(firstRows).toBeGreaterThan(0);
  // Second recording, with the video, ended by leaving the tab.
  await page.getByTestId('record-video').check();
  await page.getByTestId('record-toggle').click();
  frames = await page.evaluate(() => window.__resemote!.info().frames);
  await waitFrames(page, frames + 3);
  await page.getByTestId('tab-photo').click();
  await page.waitForFunction(
    () => {
      const s = (window.__resemote!.info() as unknown as Info).sessions;
      return s.length === 2 && !s[0]!.live && s[0]!.webm > 0;
    },
    null,
    { timeout: 60_000, polling: 250 },
  );
  const [second, first] = (await info(page)).sessions;
  expect(first!.rows).toBe(firstRows); // the first was not overwritten
  expect(second!.rows).toBeGreaterThan(0);
  await expect(page.getByTestId('session-item')).toHaveCount(2);
  const [webm] = await Promise.all([page.waitForEvent('download'), page.getByTestId('session-webm').click()]);
  const webmBytes = readFileSync(await webm.path());
  expect(webmBytes.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // EBML: a WebM
  expect(readDuration(new Uint8Array(webmBytes))).toBeGreaterThan(0); // with its duration (item 10)
  // Back on the Camera tab, the last recording says what happened.
  await page.getByTestId('tab-camera').click();
  await expect(page.getByTestId('last-recording')).toContainText('ended when the camera stopped');
  // A reload: both sessions come back from IndexedDB (numbers only; the WebM is not stored).
  await page.reload();
  await expect(page.getByTestId('session-item')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId('session-item').first()).toContainText('kept from an earlier visit');
  // Delete asks once more, then removes just that one.
  await page.getByTestId('session-delete').first().click();
  await page.getByTestId('session-delete-confirm').click();
  await expect(page.getByTestId('session-item')).toHaveCount(1);
  await browser.close();
});
