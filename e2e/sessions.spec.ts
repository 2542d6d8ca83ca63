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
  // Two more frames analysed after the 10 s: the second was taken after them, so the last row is
  // past 8 s however slowly a busy machine analyses (one frame took over 2 s on CI).
  const after = await page.evaluate(() => window.__resemote!.info().frames);
  await page.waitForFunction((n) => window.__resemote!.info().frames >= n + 2, after, { polling: 100 });
  await page.getByTestId('record-toggle').click();
  const frames = (await page.evaluate(() => window.__resemote!.info().frames)) - start;
  await expect(page.getByTestId('recording-summary')).toContainText('Face #1');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-faces', '1');
  // After Stop, the session's own per-face timeline, with a time axis.
  await expect(page.getByTestId('last-recording').getByTestId('session-timeline')).toHaveAttribute('data-faces', '1');
  const shown = Number(await page.getByTestId('record-rows').textContent());
  const last = page.getByTestId('last-recording');
  const [csv] = await Promise.all([page.waitForEvent('download'), last.getByRole('button', { name: 'Export CSV' }).click()]);
  const lines = readFileSync(await csv.path(), 'utf8')
    .trim()
    .split('\r\n');
  // The one CSV schema (docs/files.md): source first, detection_score, valence last.
  expect(lines[0]).toBe('source,time_ms,face,x,y,width,height,detection_score,top_emotion,angry,disgust,fear,happy,sad,surprise,neutral,valence,found_by,reading');
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
  const data = JSON.parse(readFileSync(await json.path(), 'utf8'));
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
  // The frame shown is the one presented at or before 0.2 s: the test's WebM is recorded in real
  // time, so on a busy machine its frames can fall at 0.1 s and 0.25 s. One step on, never two.
  await expect.poll(async () => parseFloat((await page.getByTestId('video-moment').textContent()) ?? ''), { timeout: 60_000 }).toBeGreaterThan(0);
  expect(parseFloat((await page.getByTestId('video-moment').textContent()) ?? '')).toBeLessThanOrEqual(0.2);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('video-view').getByRole('button', { name: 'Export CSV' }).click()]);
  expect(
    readFileSync(await csv.path(), 'utf8')
      .trim()
      .split('\r\n').length - 1,
  ).toBe(points);
  // Again, cancelled at once: it stops early.
  await page.getByTestId('video-analyse').click();
  await page.getByTestId('video-cancel').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('video-status')).not.toContainText('(100%)');
});

test('sessions kept by app 0.2 (IndexedDB version 1): listed from the index the upgrade writes, opened and exported; rename and delete keep index and rows in step', async ({ page }) => {
  // A page of the app's origin that is not the app: the database is written there as 0.2 wrote it.
  await page.goto('/icons/icon-192.png');
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('resemote', 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('recordings', { keyPath: 'id' });
        req.result.createObjectStore('batches', { keyPath: ['id', 'seq'] });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
    });
    const meta = (startedAt: string, kind: string) => ({
      kind,
      source: kind === 'camera' ? 'camera' : 'clip.webm',
      model: 'ResEmoteNet-S5',
      backend: 'wasm',
      appVersion: '0.2.0',
      startedAt,
      frameWidth: 640,
      frameHeight: 480,
      ...(kind === 'video' ? { durationMs: 3000 } : {}),
    });
    const row = (t: number, face: number, top: string) => ({
      t,
      face,
      x: 10,
      y: 10,
      width: 50,
      height: 50,
      score: 0.9,
      probs: [0, 0, 0, top === 'happy' ? 1 : 0, top === 'sad' ? 1 : 0, 0, 0],
      top,
      valence: top === 'happy' ? 1 : -1,
    });
    const tx = db.transaction(['recordings', 'batches'], 'readwrite');
    tx.objectStore('recordings').put({ id: 'rec-old', name: 'Old recording', meta: meta('2026-01-02T10:00:00.000Z', 'camera'), finished: true });
    tx.objectStore('batches').put({ id: 'rec-old', seq: 0, rows: [row(0, 1, 'happy'), row(0, 2, 'sad')] });
    tx.objectStore('batches').put({ id: 'rec-old', seq: 1, rows: [row(1000, 1, 'happy'), row(1000, 2, 'sad'), row(2500, 1, 'happy')] });
    tx.objectStore('recordings').put({ id: 'video-old', name: '', meta: meta('2026-01-01T10:00:00.000Z', 'video'), finished: true });
    tx.objectStore('batches').put({ id: 'video-old', seq: 0, rows: [row(0, 1, 'sad')] });
    await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed')))));
    db.close();
  });
  await page.goto('/');
  const panel = page.getByTestId('sessions');
  const items = panel.getByTestId('session-item');
  await expect(items).toHaveCount(2);
  // Listed from the index the upgrade wrote: counts without the rows.
  await expect(items.first()).toHaveAttribute('data-rows', '5');
  await expect(items.first()).toContainText('2.5 s · 2 faces');
  await expect(items.nth(1)).toHaveAttribute('data-rows', '1');
  await expect(items.nth(1)).toContainText('3.0 s · 1 face');
  const index = () =>
    page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('resemote');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
      });
      const all = <T>(store: string) => new Promise<T[]>((resolve) => (db.transaction(store).objectStore(store).getAll().onsuccess = (e) => resolve((e.target as IDBRequest<T[]>).result)));
      const recordings = await all<{ id: string; name: string; rowCount: number; faces: number[]; lastMs: number }>('recordings');
      const batches = await all<{ id: string; rows: unknown[] }>('batches');
      const version = db.version;
      db.close();
      return {
        version,
        recordings: recordings.map((r) => ({
          id: r.id,
          name: r.name,
          rowCount: r.rowCount,
          faces: r.faces,
          lastMs: r.lastMs,
          rowsStored: batches.filter((b) => b.id === r.id).reduce((n, b) => n + b.rows.length, 0),
        })),
        orphanBatches: batches.filter((b) => !recordings.some((r) => r.id === b.id)).length,
      };
    });
  expect(await index()).toEqual({
    version: 2,
    recordings: [
      { id: 'rec-old', name: 'Old recording', rowCount: 5, faces: [1, 2], lastMs: 2500, rowsStored: 5 },
      { id: 'video-old', name: '', rowCount: 1, faces: [1], lastMs: 0, rowsStored: 1 },
    ],
    orphanBatches: 0,
  });
  // Opened: its rows are read now, for the summary, shown in the main column (not in the narrow list).
  await items.first().getByTestId('session-open').click();
  await expect(page.getByTestId('opened-session').getByTestId('recording-summary')).toContainText('Face #2');
  await expect(panel.getByTestId('recording-summary')).toHaveCount(0);
  // Exported from the list (the rows are read for the file).
  const [csv] = await Promise.all([page.waitForEvent('download'), items.nth(1).getByRole('button', { name: 'Export CSV' }).click()]);
  expect(
    readFileSync(await csv.path(), 'utf8')
      .trim()
      .split('\r\n'),
  ).toHaveLength(2);
  // Renamed and deleted: the index and the rows stay in step across a reload.
  await items.nth(1).getByRole('textbox', { name: 'Session name' }).fill('Renamed video');
  await items.nth(1).getByRole('textbox', { name: 'Session name' }).press('Enter');
  await items.first().getByTestId('session-delete').click();
  await items.first().getByTestId('session-delete-confirm').click();
  await expect(items).toHaveCount(1);
  const kept = { version: 2, recordings: [{ id: 'video-old', name: 'Renamed video', rowCount: 1, faces: [1], lastMs: 0, rowsStored: 1 }], orphanBatches: 0 };
  await expect.poll(index).toEqual(kept); // the writes are done: nothing is left of the deleted one
  await page.reload();
  await expect(items).toHaveCount(1);
  await expect(items.first().getByRole('textbox', { name: 'Session name' })).toHaveValue('Renamed video');
  expect(await index()).toEqual(kept);
});
