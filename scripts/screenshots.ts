/**
 * The README's screenshots, taken from the built app as a user meets it: headless Chromium, a fake
 * camera made from a committed photo, the committed group photo. Run after `npm run build`:
 *
 *   npm run build && npm run screenshots [-- --out docs] [-- --phone] [-- --port 4181]
 *
 * Writes screenshot.png (camera, desktop), screenshot-timeline.png (live timeline, a recorded
 * session's summary and the Sessions list), screenshot-photo.png (a group photo),
 * screenshot-video.png (an analysed video file: the timeline with its axis) and, with --phone, the
 * same four at a 390 px wide phone viewport (screenshot-*-phone.png).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, type Page } from '@playwright/test';
import { FACE_Y4M, FIXTURES, default as prepareFixtures } from '../e2e/global-setup.ts';
import { readFileSync } from 'node:fs';
import { launchWithCamera, makeWebm, prepareContext } from '../e2e/support.ts';
import { startPreview } from './lib/browser.ts';

const root = join(import.meta.dirname, '..');
type Hooked = {
  __resemote?: { info(): { phase: string; ready: boolean; frames: number }; videoOverlay(): { sampleAt: number | null; seeking: boolean } | null };
};

async function open(browser: Browser, url: string, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: width < 500 ? 2 : 1 });
  await context.grantPermissions(['camera'], { origin: new URL(url).origin });
  await prepareContext(context, 'webgl');
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as Hooked).__resemote?.info().ready === true, null, { timeout: 600_000, polling: 250 });
  return page;
}

const frames = (page: Page) => page.evaluate(() => (window as unknown as Hooked).__resemote!.info().frames);
async function waitFrames(page: Page, more: number): Promise<void> {
  const target = (await frames(page)) + more;
  await page.waitForFunction((t) => ((window as unknown as Hooked).__resemote?.info().frames ?? 0) >= t, target, { timeout: 600_000, polling: 100 });
}

async function shoot(browser: Browser, url: string, out: string, width: number, height: number, suffix: string): Promise<void> {
  const fullPage = width < 500;
  const cam = await open(browser, url, width, height);
  await cam.getByTestId('camera-toggle').click();
  await waitFrames(cam, 8);
  await cam.screenshot({ path: join(out, `screenshot${suffix}.png`), fullPage });

  await cam.getByTestId('timeline-toggle').click();
  await cam.getByTestId('record-toggle').click();
  await waitFrames(cam, 80); // about 20 s at this machine's rate: a timeline with some length to it
  await cam.getByTestId('record-toggle').click();
  await cam.getByTestId('recording-summary').waitFor();
  await cam.getByTestId('timeline').scrollIntoViewIfNeeded();
  await cam.screenshot({ path: join(out, `screenshot-timeline${suffix}.png`), fullPage: true }); // the last recording is below the preview
  await cam.getByTestId('camera-toggle').click();
  await cam.context().close();

  const photo = await open(browser, url, width, height);
  await photo.getByTestId('tab-photo').click();
  await photo.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-6.jpg'));
  await photo.getByTestId('result-list').waitFor({ timeout: 600_000 });
  // The whole photo's faces come first; the picture is of the finished result, the tiles' faces in too.
  await photo.getByTestId('photo-searching').waitFor({ state: 'detached', timeout: 600_000 });
  await photo.screenshot({ path: join(out, `screenshot-photo${suffix}.png`), fullPage: true });
  await photo.context().close();

  const video = await open(browser, url, width, height);
  const photoB64 = (name: string) => readFileSync(join(FIXTURES, name)).toString('base64');
  await video.evaluate('window.__name = (f) => f'); // tsx keeps function names with a helper the page lacks
  const webm = await makeWebm(video, [photoB64('group-3.jpg'), photoB64('group-6.jpg')], 6);
  await video.getByTestId('tab-video').click();
  await video.getByTestId('video-input').setInputFiles({ name: 'two-groups.webm', mimeType: 'video/webm', buffer: webm });
  await video.locator('[data-testid="video-view"][data-phase="ready"]').waitFor({ timeout: 600_000 });
  await video.getByTestId('video-analyse').click();
  await video.locator('[data-testid="video-view"][data-phase="done"]').waitFor({ timeout: 600_000 });
  const chart = video.getByTestId('video-chart').first();
  const box = (await chart.boundingBox())!;
  await chart.click({ position: { x: box.width * 0.3, y: box.height / 2 } });
  // Shoot once the overlay has settled on the frame the click moved to (its sample, not the last one's).
  await video.waitForFunction(
    () => {
      const o = (window as unknown as Hooked).__resemote?.videoOverlay();
      const v = document.querySelector<HTMLVideoElement>('[data-testid="video-view"] video');
      return !!o && !!v && !o.seeking && o.sampleAt !== null && Math.abs(o.sampleAt - v.currentTime * 1000) <= 250;
    },
    null,
    { timeout: 60_000, polling: 100 },
  );
  await video.evaluate(() => window.scrollTo(0, 0));
  await video.screenshot({ path: join(out, `screenshot-video${suffix}.png`), fullPage: true });
  await video.context().close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'docs') }, phone: { type: 'boolean', default: false }, port: { type: 'string', default: '4181' } } });
  prepareFixtures();
  const server = await startPreview(Number(values.port));
  try {
    const browser = await launchWithCamera(FACE_Y4M);
    try {
      await shoot(browser, server.url, values.out, 1280, 900, '');
      if (values.phone) await shoot(browser, server.url, values.out, 390, 844, '-phone');
    } finally {
      await browser.close();
    }
    console.log(`screenshots written to ${values.out}`);
  } finally {
    server.stop();
  }
}

await main();
