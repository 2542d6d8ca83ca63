/**
 * The video overlay always belongs to the frame on screen: whichever way the
 * video is moved (a chart click, the arrow keys, the video's own controls: seeking and playing),
 * every frame the element presents is drawn with no boxes or with the boxes of the analysed sample
 * nearest to that frame, never with those of the moment before. The page's own
 * requestVideoFrameCallback, registered after the app's, audits each presented frame: at that
 * point the app has drawn for it. On the old main the overlay showed the sample of the element's
 * previous time over the new frame until `seeked` (docs/screenshot-video.png: 5.8 s boxes on 0:01).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURES } from './global-setup.ts';
import { expect, makeWebm, test, waitReady } from './support.ts';

const FPS = 5;
/** How far (video time) from a presented frame the shown sample may be: the app's own rule (one sample interval, and 50). */
const TOLERANCE = 1000 / FPS + 50;

type Overlay = { at: number; sampleAt: number | null; faces: number; seeking: boolean } | null;
type Audit = { presented: number; overlay: Overlay }[];
type Hooked = { __resemote: { videoOverlay(): Overlay }; __audit: Audit; __auditOn: boolean };

async function startAudit(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Hooked;
    const v = document.querySelector<HTMLVideoElement>('[data-testid="video-view"] video')!;
    w.__audit = [];
    w.__auditOn = true;
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      if (!w.__auditOn) return;
      w.__audit.push({ presented: meta.mediaTime * 1000, overlay: w.__resemote.videoOverlay() });
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  });
}

const overlay = (page: Page) => page.evaluate(() => (window as unknown as Hooked).__resemote.videoOverlay());
const videoTime = (page: Page) => page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="video-view"] video')!.currentTime * 1000);

/** After a move: the overlay settles on the target frame's sample. */
async function settled(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const [o, t] = [await overlay(page), await videoTime(page)];
        return !!o && !o.seeking && o.sampleAt !== null && Math.abs(o.sampleAt - t) <= TOLERANCE ? 'settled' : JSON.stringify({ overlay: o, videoMs: t });
      },
      { timeout: 30_000 },
    )
    .toBe('settled');
}

/** Right after a move the overlay shows no sample, or the target's: never the one it showed before. */
async function rightAfter(page: Page, before: Overlay, target: number): Promise<void> {
  const o = await overlay(page);
  expect(o).not.toBeNull();
  if (o!.sampleAt !== null && Math.abs(target - (before?.sampleAt ?? target)) > 2 * TOLERANCE) {
    expect(Math.abs(o!.sampleAt - target), `right after moving to ${target} the overlay shows the sample at ${o!.sampleAt} (video time)`).toBeLessThanOrEqual(TOLERANCE);
  }
}

test('the video overlay shows the frame on screen, whichever way the video is moved', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto('/');
  await waitReady(page);
  const photo = (name: string) => readFileSync(join(FIXTURES, name)).toString('base64');
  const webm = await makeWebm(page, [photo('group-3.jpg'), photo('group-6.jpg')], 4); // a cut at 2 s: the boxes move
  await page.getByTestId('tab-video').click();
  await page.getByTestId('video-input').setInputFiles({ name: 'two-groups.webm', mimeType: 'video/webm', buffer: webm });
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await expect(page.locator('#video-rate')).toHaveValue(String(FPS));
  await page.getByTestId('video-analyse').click();
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  await startAudit(page);
  const chart = page.getByTestId('video-chart').first();
  const box = (await chart.boundingBox())!;
  const duration = await page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="video-view"] video')!.duration * 1000);

  // A chart click, far from where the video is (it ends the analysis at its last sample).
  for (const at of [0.2, 0.8, 0.3]) {
    const before = await overlay(page);
    await chart.click({ position: { x: box.width * at, y: box.height / 2 } });
    await rightAfter(page, before, at * duration);
    await settled(page);
  }
  // The arrow keys: one analysed sample each.
  await chart.focus();
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft', 'End', 'Home']) {
    await page.keyboard.press(key);
    await settled(page);
  }
  // The video's own controls: a seek (what its scrubber does) and playing through the cut.
  for (const t of [3.5, 0.5]) {
    const before = await overlay(page);
    // As its scrubber does; the element announces the seek (its `seeking` event) in a later task.
    await page.evaluate(async (s) => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="video-view"] video')!;
      const seeking = new Promise((r) => v.addEventListener('seeking', r, { once: true }));
      v.currentTime = s;
      await seeking;
    }, t);
    await rightAfter(page, before, t * 1000);
    await settled(page);
  }
  await page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="video-view"] video')!.play());
  await expect.poll(() => videoTime(page), { timeout: 30_000 }).toBeGreaterThan(2600);
  await page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="video-view"] video')!.pause());

  const audit = await page.evaluate(() => {
    const w = window as unknown as Hooked;
    w.__auditOn = false;
    return w.__audit;
  });
  const shown = audit.filter((a) => a.overlay?.sampleAt !== null && a.overlay?.sampleAt !== undefined);
  expect(shown.length, 'frames presented with boxes').toBeGreaterThan(10);
  const wrong = shown.filter((a) => Math.abs((a.overlay!.sampleAt as number) - a.presented) > TOLERANCE);
  expect(wrong.map((a) => `frame at ${a.presented.toFixed(0)} drawn with the sample at ${a.overlay!.sampleAt} (video time)`)).toEqual([]);
});
