/**
 * Beyond the demo: recording a camera session, analysing a video file, the live timeline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACE_Y4M, FIXTURES } from './global-setup.ts';
import { cameraRunning, expect, videoReady, launchWithCamera, test } from './support.ts';

test('record a camera session: rows in the CSV, one per face per analysed frame; kept across a reload', async () => {
  test.setTimeout(300_000);
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await cameraRunning(browser);
  await page.getByTestId('timeline-toggle').click();
  await page.getByTestId('record-toggle').click();
  const start = await page.evaluate(() => window.__resemote!.info().frames);
  await page.waitForTimeout(10_000); // the length of the recording, not a wait for an event
  await page.getByTestId('record-toggle').click();
  const frames = (await page.evaluate(() => window.__resemote!.info().frames)) - start;
  await expect(page.getByTestId('recording-summary')).toContainText('Face #1');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-faces', '1');
  // After Stop, the session's own per-face timeline, with a time axis.
  await expect(page.getByTestId('last-recording').getByTestId('session-timeline')).toHaveAttribute('data-faces', '1');
  const shown = Number(await page.getByTestId('record-rows').textContent());
  const last = page.getByTestId('last-recording');
  const [csv] = await Promise.all([page.waitForEvent('download'), last.getByRole('button', { name: 'Export CSV' }).click()]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\r\n');
  // The one CSV schema (README "Files"): source first, detection_score, valence last.
  expect(lines[0]).toBe('source,time_ms,face,x,y,width,height,detection_score,top_emotion,angry,disgust,fear,happy,sad,surprise,neutral,valence');
  const rows = lines.slice(1).map((l) => l.split(',').slice(1)); // without the source ("camera")
  expect(rows.length).toBe(shown);
  expect(rows.length).toBeGreaterThanOrEqual(Math.max(1, frames - 2)); // one per analysed frame with the face
  expect(rows.length).toBeLessThanOrEqual(frames + 1);
  expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['1']));
  const times = rows.map((r) => Number(r[0]));
  expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  expect(times.at(-1)!).toBeGreaterThan(8_000);
  expect(times[0]!).toBeGreaterThanOrEqual(0); // never negative
  expect(rows.every((r) => Number(r[6]) > 0.5)).toBe(true); // detection_score
  expect(rows.filter((r) => r[7] === 'happy').length / rows.length).toBeGreaterThan(0.5);
  const [json] = await Promise.all([page.waitForEvent('download'), last.getByRole('button', { name: 'Export JSON' }).click()]);
  const data = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  expect(data).toMatchObject({ format: 'resemote-recording/1', kind: 'camera', backend: 'webgl' });
  expect(data.rows).toHaveLength(shown);
  // A reload loses nothing: the recording is kept in IndexedDB.
  await page.reload();
  await expect(page.getByTestId('record-rows')).toHaveText(String(shown), { timeout: 30_000 });
  await browser.close();
});

test('a video file: progress to 100 %, a timeline with points, a scrubber; cancel works', async ({ page }) => {
  test.setTimeout(400_000);
  await videoReady(page, join(FIXTURES, 'group-3.jpg'));
  await page.getByTestId('video-analyse').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  await expect(page.getByTestId('video-status')).toContainText('(100%)');
  const points = Number(await page.getByTestId('video-timeline').getAttribute('data-points'));
  expect(points).toBeGreaterThan(10); // faces x frames
  expect(Number(await page.getByTestId('video-timeline').getAttribute('data-faces'))).toBeGreaterThan(0);
  // One scrubber: a chart is the timeline; a key moves one analysed frame (5 a second: 0.2 s).
  const chart = page.getByTestId('video-chart').first();
  await chart.focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('video-moment')).toContainText('0.0 s of');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('video-moment')).toContainText('0.2 s of');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('video-view').getByRole('button', { name: 'Export CSV' }).click()]);
  expect(readFileSync((await csv.path())!, 'utf8').trim().split('\r\n').length - 1).toBe(points);
  // Again, cancelled at once: it stops early.
  await page.getByTestId('video-analyse').click();
  await page.getByTestId('video-cancel').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('video-status')).not.toContainText('(100%)');
});
