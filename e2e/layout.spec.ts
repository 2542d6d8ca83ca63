/**
 * The result first: what a user came for is in the first screen, at 1280 x 800 and on a 390 x 844
 * phone, without scrolling: the camera preview, the photo picked (annotated), the video's "Analyse"
 * button. Measured on the page as it lays out (bounding boxes), not on a picture of it.
 */
import { join } from 'node:path';
import { type Browser, type Locator, type Page } from '@playwright/test';
import { FACE_Y4M, FIXTURES } from './global-setup.ts';
import { expect, launchWithCamera, makeWebm, openPage, test, waitFrames, waitReady } from './support.ts';
import { readFileSync } from 'node:fs';

const SCREENS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

/** How much of `el` shows in the first screen (no scrolling), px, and where it starts. */
async function inFirstScreen(page: Page, el: Locator): Promise<{ top: number; shown: number; height: number }> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await el.boundingBox();
  if (!box) throw new Error('not laid out');
  const vh = page.viewportSize()!.height;
  return { top: Math.round(box.y), shown: Math.round(Math.max(0, Math.min(vh, box.y + box.height) - Math.max(0, box.y))), height: Math.round(box.height) };
}

let browser: Browser;
test.beforeAll(async () => {
  browser = await launchWithCamera(FACE_Y4M);
});
test.afterAll(async () => {
  await browser.close();
});

for (const screen of SCREENS) {
  // eslint-disable-next-line no-empty-pattern -- Playwright gives a test the fixtures its first parameter names: none here.
  test(`${screen.name} ${screen.width} x ${screen.height}: the camera preview, a picked photo and the video's Analyse button are in the first screen`, async ({}, testInfo) => {
    test.setTimeout(600_000);
    const page = await openPage(browser, { camera: true, viewport: { width: screen.width, height: screen.height } });
    await page.goto('/');
    await waitReady(page);
    await page.getByTestId('camera-toggle').click();
    await waitFrames(page, 2);
    const preview = await inFirstScreen(page, page.getByTestId('camera-viewport'));
    await page.screenshot({ path: testInfo.outputPath(`camera-${screen.name}.png`) });
    // Most of the preview shows: it starts in the upper half of the screen and shows 200 px or more.
    expect(preview.top, 'camera preview top').toBeLessThan(screen.height / 2);
    expect(preview.shown, 'camera preview shown').toBeGreaterThanOrEqual(Math.min(200, preview.height));
    await page.getByTestId('camera-toggle').click();

    await page.getByTestId('tab-photo').click();
    await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-6.jpg'));
    await expect(page.getByTestId('result-list')).toBeVisible({ timeout: 300_000 });
    const photo = await inFirstScreen(page, page.getByTestId('zoom-port'));
    await page.screenshot({ path: testInfo.outputPath(`photo-${screen.name}.png`) });
    expect(photo.top, 'photo top').toBeLessThan(screen.height / 2);
    expect(photo.shown, 'photo shown').toBeGreaterThanOrEqual(Math.min(300, photo.height));

    await page.getByTestId('tab-video').click();
    const webm = await makeWebm(page, readFileSync(join(FIXTURES, 'group-3.jpg')).toString('base64'), 2);
    await page.getByTestId('video-input').setInputFiles({ name: 'clip.webm', mimeType: 'video/webm', buffer: webm });
    await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
    const analyse = await inFirstScreen(page, page.getByTestId('video-analyse'));
    await page.screenshot({ path: testInfo.outputPath(`video-${screen.name}.png`) });
    expect(analyse.shown, "the video's Analyse button, whole").toBe(analyse.height);
    console.log(`${screen.name}: camera preview at y ${preview.top} (${preview.shown} px shown), photo at y ${photo.top} (${photo.shown} px), Analyse at y ${analyse.top}`);
    await page.context().close();
  });
}
