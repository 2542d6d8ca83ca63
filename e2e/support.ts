/** Page helpers and browser launchers shared by the specs. */
import { type Browser, chromium, expect, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';

export const BASE = `http://localhost:${process.env.E2E_PORT ?? 4173}`;

/** A Chromium whose camera is the given Y4M file (grant the permission on the context to use it). */
export function launchWithCamera(y4m: string, extra: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, ...extra],
  });
}

export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__resemote?.info().ready === true, null, { timeout: 150_000 });
}

export async function useBackend(page: Page, backend: 'webgl' | 'webgpu'): Promise<void> {
  await page.getByTestId(`backend-${backend}`).check();
  await expect(page.getByTestId('backend-active')).toHaveText(`in use: ${backend === 'webgl' ? 'WebGL' : 'WebGPU'}`, { timeout: 120_000 });
}

export async function framesProcessed(page: Page): Promise<number> {
  return page.evaluate(() => window.__resemote?.info().frames ?? 0);
}

export async function waitFrames(page: Page, atLeast: number, timeout = 150_000): Promise<void> {
  await page.waitForFunction((n) => (window.__resemote?.info().frames ?? 0) >= n, atLeast, { timeout, polling: 250 });
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
