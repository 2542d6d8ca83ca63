/**
 * Beyond the demo: recording a camera session, analysing a video file, the live timeline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACE_Y4M, FIXTURES } from './global-setup.ts';
import { expect, launchWithCamera, openPage, test, waitFrames, waitReady } from './support.ts';

test('record a camera session: rows in the CSV, one per face per analysed frame; kept across a reload', async () => {
  test.setTimeout(300_000);
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await openPage(browser, { camera: true });
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('camera-toggle').click();
  await waitFrames(page, 2);
  await page.getByTestId('timeline-toggle').click();
  await page.getByTestId('record-toggle').click();
  const start = await page.evaluate(() => window.__resemote!.info().frames);
  await page.waitForTimeout(10_000); // the length of the recording, not a wait for an event
  await page.getByTestId('record-toggle').click();
  const frames = (await page.evaluate(() => window.__resemote!.info().frames)) - start;
  await expect(page.getByTestId('recording-summary')).toContainText('Face #1');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-faces', '1');
  const shown = Number(await page.getByTestId('record-rows').textContent());
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\r\n');
  expect(lines[0]).toBe('time_ms,face,x,y,width,height,angry,disgust,fear,happy,sad,surprise,neutral,top_emotion,valence');
  const rows = lines.slice(1).map((l) => l.split(','));
  expect(rows.length).toBe(shown);
  expect(rows.length).toBeGreaterThanOrEqual(Math.max(1, frames - 2)); // one per analysed frame with the face
  expect(rows.length).toBeLessThanOrEqual(frames + 1);
  expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['1']));
  const times = rows.map((r) => Number(r[0]));
  expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  expect(times.at(-1)!).toBeGreaterThan(8_000);
  expect(rows.filter((r) => r[13] === 'happy').length / rows.length).toBeGreaterThan(0.5);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
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
  await page.goto('/');
  await waitReady(page);
  // A 3-second WebM made here from a committed photo (MediaRecorder on a canvas): no video is committed.
  const photo = readFileSync(join(FIXTURES, 'group-3.jpg')).toString('base64');
  const webm = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/jpeg;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 360;
    const g = c.getContext('2d')!;
    const rec = new MediaRecorder(c.captureStream(15), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    rec.start(250);
    const t0 = performance.now();
    await new Promise<void>((done) => {
      const draw = () => {
        const t = (performance.now() - t0) / 1000;
        g.drawImage(img, -40 * t, 0, 900, (900 * img.height) / img.width); // the faces drift left
        if (t < 3) requestAnimationFrame(draw);
        else done();
      };
      draw();
    });
    await new Promise<void>((r) => ((rec.onstop = () => r()), rec.stop()));
    return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
  }, photo);
  await page.getByTestId('tab-video').click();
  await page.getByTestId('video-input').setInputFiles({ name: 'clip.webm', mimeType: 'video/webm', buffer: Buffer.from(webm) });
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await page.getByTestId('video-analyse').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  await expect(page.getByTestId('video-status')).toContainText('(100%)');
  const points = Number(await page.getByTestId('video-timeline').getAttribute('data-points'));
  expect(points).toBeGreaterThan(10); // faces x frames
  expect(Number(await page.getByTestId('video-timeline').getAttribute('data-faces'))).toBeGreaterThan(0);
  await page.getByTestId('video-scrub').fill('1500');
  await expect(page.getByText('Moment: 1.5 s')).toBeVisible();
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(readFileSync((await csv.path())!, 'utf8').trim().split('\r\n').length - 1).toBe(points);
  // Again, cancelled at once: it stops early.
  await page.getByTestId('video-analyse').click();
  await page.getByTestId('video-cancel').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('video-status')).not.toContainText('(100%)');
});
