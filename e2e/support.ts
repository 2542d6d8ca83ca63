/**
 * Page helpers, fixtures and browser launchers shared by the specs.
 *
 * Every page gets, before the app's scripts run: the test hook flag (window.__resemote exists only
 * when a test asks for it) and the backend pinned through the app's own stored settings, from the
 * very start (window.__RESEMOTE_PIN_BACKEND__: a user's pick would start on WebAssembly and hand
 * over once warm; 'auto' leaves the choice to the app). Tests that
 * do not test WebGPU run on WebGL: SwiftShader's WebGPU warm-up takes minutes on a busy 2-core
 * machine. Waits are on the app's readiness state, never on a guessed delay.
 */
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, test as base, chromium, expect, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';

export const BASE = `http://localhost:${process.env.E2E_PORT ?? 4173}`;
/** A pinned backend (the user's choice, so it runs from the start), or 'auto': the app chooses (WebAssembly first). */
export type Backend = 'wasm' | 'webgl' | 'webgpu' | 'auto';

/** What every page of a context gets before the app starts. */
export async function prepareContext(context: BrowserContext, backend: Backend = 'webgl', settings: Record<string, unknown> = {}): Promise<void> {
  await context.addInitScript(
    ([b, extra]) => {
      (window as unknown as { __RESEMOTE_TEST_HOOKS__: boolean }).__RESEMOTE_TEST_HOOKS__ = true;
      // A pinned backend runs from the very start (no WebAssembly serving until it is warm).
      if (b !== 'auto') (window as unknown as { __RESEMOTE_PIN_BACKEND__: boolean }).__RESEMOTE_PIN_BACKEND__ = true;
      try {
        // Only on a fresh profile: a test that changes settings and reloads must find them again.
        if (!sessionStorage.getItem('resemote.test.seeded')) {
          sessionStorage.setItem('resemote.test.seeded', '1');
          const current = JSON.parse(localStorage.getItem('resemote.settings.v1') ?? '{}') as Record<string, unknown>;
          localStorage.setItem('resemote.settings.v1', JSON.stringify({ ...current, ...(b === 'auto' ? {} : { backendWanted: b }), ...extra }));
        }
      } catch {
        /* about:blank and opaque frames have no storage: nothing to seed there */
      }
    },
    [backend, settings] as const,
  );
}

/** Playwright's test, with every page prepared (WebGL unless a test says `test.use({ backend })`). */
export const test = base.extend<{ backend: Backend }>({
  backend: ['webgl', { option: true }],
  context: async ({ context, backend }, use) => {
    await prepareContext(context, backend);
    await use(context);
  },
});
export { expect };

/** A Chromium whose camera is the given Y4M file (grant the permission on the context to use it). */
export function launchWithCamera(y4m: string, extra: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, ...extra],
  });
}

/** A prepared page in a new context of `browser` (camera granted when asked). */
export async function openPage(
  browser: Browser,
  options: { backend?: Backend; camera?: boolean; viewport?: { width: number; height: number }; settings?: Record<string, unknown> } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  if (options.camera) await context.grantPermissions(['camera'], { origin: BASE });
  await prepareContext(context, options.backend ?? 'webgl', options.settings ?? {});
  return context.newPage();
}

/** A page of `browser` whose camera is on and has analysed `frames` frames (the engine ready first). */
export async function cameraRunning(browser: Browser, frames = 2): Promise<Page> {
  const page = await openPage(browser, { camera: true });
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('camera-toggle').click();
  await waitFrames(page, frames);
  return page;
}

/** The Video file tab with a 3 s video made from a fixture photo loaded and ready to analyse. */
export async function videoReady(page: Page, photoPath: string, name = 'clip.webm'): Promise<void> {
  await page.goto('/');
  await waitReady(page);
  const webm = await makeWebm(page, readFileSync(photoPath).toString('base64'), 3);
  await page.getByTestId('tab-video').click();
  await page.getByTestId('video-input').setInputFiles({ name, mimeType: 'video/webm', buffer: webm });
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
}

/** Wait until the engine is ready (or failed: then this throws with the page's error). */
export async function waitReady(page: Page, timeout = 240_000): Promise<void> {
  await page.waitForFunction(() => window.__resemote?.info().phase !== 'loading' && window.__resemote?.info().phase !== undefined, null, { timeout, polling: 250 });
  const info = await page.evaluate(() => window.__resemote!.info());
  if (!info.ready) throw new Error(`the engine failed to start: ${(await page.locator('[data-testid^="notice-"]').allTextContents()).join('; ')}`);
}

export async function useBackend(page: Page, backend: 'webgl' | 'webgpu', timeout = 480_000): Promise<void> {
  await page.getByTestId(`backend-${backend}`).check();
  await expect(page.getByTestId('backend-active')).toHaveText(`in use: ${backend === 'webgl' ? 'WebGL' : 'WebGPU'}`, { timeout });
}

export async function framesProcessed(page: Page): Promise<number> {
  return page.evaluate(() => window.__resemote?.info().frames ?? 0);
}

export async function waitFrames(page: Page, atLeast: number, timeout = 150_000): Promise<void> {
  await page.waitForFunction((n) => (window.__resemote?.info().frames ?? 0) >= n, atLeast, { timeout, polling: 250 });
}

/** Tensors the engine holds now (asked of the engine, in its worker). */
export async function engineTensors(page: Page): Promise<number> {
  const m = await page.evaluate(() => window.__resemote!.memory());
  if (!m) throw new Error('the engine is not ready');
  return m.tensors;
}

/** Every request the page makes, to check that none leaves the app's origin. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return urls;
}

export function foreign(urls: string[]): string[] {
  return urls.filter((u) => !u.startsWith(BASE) && !u.startsWith('blob:') && !u.startsWith('data:'));
}

/** Console errors and page errors, to check a normal session prints none of its own. */
export function recordErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/**
 * A WebM made in the page from committed photos (MediaRecorder on a canvas; no video is
 * committed): each photo in turn for an equal share of `seconds` (a cut between them), drifting
 * left so its faces move a little.
 */
export async function makeWebm(page: Page, photosBase64: string | string[], seconds = 3): Promise<Buffer> {
  const bytes = await page.evaluate(
    async ([list, secs]) => {
      const imgs = await Promise.all(
        list.map(async (b64) => {
          const img = new Image();
          img.src = `data:image/jpeg;base64,${b64}`;
          await img.decode();
          return img;
        }),
      );
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
          const img = imgs[Math.min(imgs.length - 1, Math.floor((t / secs) * imgs.length))]!;
          g.drawImage(img, -40 * t, 0, 900, (900 * img.height) / img.width);
          if (t < secs) requestAnimationFrame(draw);
          else done();
        };
        draw();
      });
      await new Promise<void>((r) => ((rec.onstop = () => r()), rec.stop()));
      return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
    },
    [typeof photosBase64 === 'string' ? [photosBase64] : photosBase64, seconds] as const,
  );
  return Buffer.from(bytes);
}
