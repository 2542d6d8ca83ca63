/**
 * A scene cut in a video file starts new faces: the people after the cut are
 * other people, even where a face was a moment before, so no face id spans the cut.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './global-setup.ts';
import { expect, makeWebm, test, waitReady } from './support.ts';

test('a cut in a generated video starts a new face: no id on both sides of it', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto('/');
  await waitReady(page);
  const photo = (name: string) => readFileSync(join(FIXTURES, name)).toString('base64');
  // 2 s of one group photo, then 2 s of another: a cut at 2 s.
  const webm = await makeWebm(page, [photo('group-3.jpg'), photo('group-6.jpg')], 4);
  await page.getByTestId('tab-video').click();
  await page.getByTestId('video-input').setInputFiles({ name: 'cut.webm', mimeType: 'video/webm', buffer: webm });
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await page.getByTestId('video-analyse').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('video-view').getByRole('button', { name: 'Export JSON' }).click()]);
  const rows = JSON.parse(readFileSync((await json.path())!, 'utf8')).rows as { t: number; face: number }[];
  // A margin either side of the cut: MediaRecorder's frame times are not exact.
  const before = new Set(rows.filter((r) => r.t < 1600).map((r) => r.face));
  const after = new Set(rows.filter((r) => r.t > 2400).map((r) => r.face));
  expect(before.size).toBeGreaterThan(0);
  expect(after.size).toBeGreaterThan(0);
  expect([...after].filter((id) => before.has(id))).toEqual([]); // old main: faces #1-#3 ran on past the cut
});
