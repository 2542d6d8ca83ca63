/**
 * The README's screenshots, taken from the built app as a user meets it: headless Chromium, a fake
 * camera made from a committed photo, the committed group photo. Run after `npm run build`:
 *
 *   npm run build && npm run screenshots [-- --out docs] [-- --phone]
 *
 * Writes screenshot.png (camera, desktop), screenshot-timeline.png (live timeline and a recorded
 * session's summary), screenshot-photo.png (a group photo) and, with --phone, the same three at a
 * 390 px wide phone viewport (screenshot-phone-*.png) for looking at, not for the README.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, type Page } from '@playwright/test';
import { FACE_Y4M, FIXTURES, default as prepareFixtures } from '../e2e/global-setup.ts';
import { launchWithCamera, prepareContext } from '../e2e/support.ts';

const root = join(import.meta.dirname, '..');
const PORT = 4181;
const URL = `http://127.0.0.1:${PORT}/`;
type Hooked = { __resemote?: { info(): { phase: string; ready: boolean; frames: number } } };

async function waitServer(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(URL)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer on ${URL}`);
}

async function open(browser: Browser, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: width < 500 ? 2 : 1 });
  await context.grantPermissions(['camera'], { origin: URL.slice(0, -1) });
  await prepareContext(context, 'webgl');
  const page = await context.newPage();
  await page.goto(URL);
  await page.waitForFunction(() => (window as unknown as Hooked).__resemote?.info().ready === true, null, { timeout: 600_000, polling: 250 });
  return page;
}

const frames = (page: Page) => page.evaluate(() => (window as unknown as Hooked).__resemote!.info().frames);
async function waitFrames(page: Page, more: number): Promise<void> {
  const target = (await frames(page)) + more;
  await page.waitForFunction((t) => ((window as unknown as Hooked).__resemote?.info().frames ?? 0) >= t, target, { timeout: 600_000, polling: 100 });
}

async function shoot(browser: Browser, out: string, width: number, height: number, suffix: string): Promise<void> {
  const fullPage = width < 500;
  const cam = await open(browser, width, height);
  await cam.getByTestId('camera-toggle').click();
  await waitFrames(cam, 8);
  await cam.screenshot({ path: join(out, `screenshot${suffix}.png`), fullPage });

  await cam.getByTestId('timeline-toggle').click();
  await cam.getByTestId('record-toggle').click();
  await waitFrames(cam, 80); // about 20 s at this machine's rate: a timeline with some length to it
  await cam.getByTestId('record-toggle').click();
  await cam.getByTestId('recording-summary').waitFor();
  await cam.getByTestId('timeline').scrollIntoViewIfNeeded();
  await cam.screenshot({ path: join(out, `screenshot-timeline${suffix}.png`), fullPage });
  await cam.getByTestId('camera-toggle').click();
  await cam.context().close();

  const photo = await open(browser, width, height);
  await photo.getByTestId('tab-photo').click();
  await photo.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-6.jpg'));
  await photo.getByTestId('result-list').waitFor({ timeout: 600_000 });
  await photo.screenshot({ path: join(out, `screenshot-photo${suffix}.png`), fullPage: true });
  await photo.context().close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'docs') }, phone: { type: 'boolean', default: false } } });
  prepareFixtures();
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore' });
  try {
    await waitServer();
    const browser = await launchWithCamera(FACE_Y4M);
    try {
      await shoot(browser, values.out, 1280, 900, '');
      if (values.phone) await shoot(browser, values.out, 390, 844, '-phone');
    } finally {
      await browser.close();
    }
    console.log(`screenshots written to ${values.out}`);
  } finally {
    server.kill();
  }
}

await main();
