/**
 * A backend switch in the middle of a batch and of a video analysis: the app
 * starts on WebAssembly (picked, so nothing warms beside it), the user picks WebGL while the work
 * runs, and no file fails and the video finishes.
 *
 * The case that needs EngineHost.analyse's retry is an analysis still on the old engine when the
 * new one takes over: the old engine is disposed and what it still holds is rejected. On a fast
 * machine a photo's analysis may well end before that, so the spec makes it certain instead of
 * hoping for it: a probe around the page's Worker (installed before the app starts) never delivers
 * the first answer the WebAssembly engine gives after the WebGL engine was asked for. The work
 * waits on that analysis, as it would on a slow one, until the switch disposes the old engine and
 * the retry runs it on WebGL. Without the retry that file fails (a batch item in error, a video in
 * error), so these tests fail. Every wait is on the app's state, never a delay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURES } from './global-setup.ts';
import { expect, recordErrors, test, videoReady, waitReady } from './support.ts';

test.use({ backend: 'wasm' });
// SwiftShader compiles WebGL's shaders on the CPU: tens of seconds on a busy 2-core machine.
test.describe.configure({ timeout: 600_000 });

interface Probe {
  /** Answers of the first engine's worker to analyses, withheld (the analysis "still running" at the switch). */
  lost: number;
  /** A second engine worker was asked to start (the user's switch). */
  switchAsked: boolean;
  /** The second engine reported itself ready. */
  swapped: boolean;
}

/** Before the app starts: the Worker probe described above (window.__switchProbe says what it did). */
async function loseTheAnalysisInFlightAtTheSwitch(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.Worker;
    const probe = { lost: 0, switchAsked: false, swapped: false };
    (window as unknown as { __switchProbe: typeof probe }).__switchProbe = probe;
    let made = 0;
    type Msg = { id?: number; op?: string; kind?: string };
    class ProbedWorker extends Native {
      private handler: ((this: Worker, e: MessageEvent) => unknown) | null = null;
      private readonly first: boolean;
      private readonly analyses = new Set<number>();
      private createId = -1;
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.first = made++ === 0;
        super.onmessage = (e: MessageEvent) => this.deliver(e);
      }
      override get onmessage() {
        return this.handler;
      }
      override set onmessage(h) {
        this.handler = h;
      }
      override postMessage(message: unknown, transfer?: unknown): void {
        const m = message as Msg;
        if (m?.op === 'analyse' && m.id !== undefined) this.analyses.add(m.id);
        if (m?.op === 'create' && m.id !== undefined) {
          this.createId = m.id;
          if (!this.first) probe.switchAsked = true;
        }
        super.postMessage(message, transfer as Transferable[]);
      }
      private deliver(e: MessageEvent): void {
        const r = e.data as Msg;
        const answer = r.kind !== 'progress' && r.id !== undefined;
        if (this.first && answer && this.analyses.has(r.id!) && probe.switchAsked && !probe.swapped && probe.lost === 0) {
          probe.lost++;
          return; // never delivered: the old engine is disposed with this analysis unanswered
        }
        if (!this.first && answer && r.id === this.createId && r.kind === 'ok') probe.swapped = true;
        this.handler?.call(this, e);
      }
    }
    window.Worker = ProbedWorker as typeof Worker;
  });
}

const probeOf = (page: Page) => page.evaluate(() => (window as unknown as { __switchProbe: Probe }).__switchProbe);

test('WebGL picked in the middle of a batch: every file is analysed, none fails; WebGL finishes the batch', async ({ page }) => {
  const errors = recordErrors(page);
  await loseTheAnalysisInFlightAtTheSwitch(page);
  await page.goto('/');
  await page.getByTestId('tab-photo').click();
  await waitReady(page);
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
  const names = ['group-3.jpg', 'group-4.jpg', 'group-6.jpg'];
  const files = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.jpg`, mimeType: 'image/jpeg', buffer: readFileSync(join(FIXTURES, names[i % 3]!)) }));
  await page.getByTestId('file-input').setInputFiles(files);
  await page.waitForFunction(() => window.__resemote!.info().batch.done >= 1, null, { timeout: 300_000, polling: 100 });
  await page.getByTestId('backend-webgl').check();
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL', { timeout: 540_000 });
  await page.waitForFunction(() => window.__resemote!.info().batch.phase !== 'running', null, { timeout: 300_000, polling: 250 });
  // The switch landed mid-batch, with an analysis on the old engine that never came back.
  expect(await probeOf(page)).toEqual({ lost: 1, switchAsked: true, swapped: true });
  // The batch has ended: its items are what they will stay (so no waiting on them).
  expect(await page.locator('[data-testid="batch-item"][data-status="error"]').allTextContents()).toEqual([]);
  expect(await page.locator('[data-testid="batch-item"][data-status="done"]').count()).toBe(files.length);
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('notice-engine-busy')).toHaveCount(0);
  expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgl');
  expect(errors).toEqual([]);
});

test('WebGL picked while a video file is analysed: the video finishes, every planned frame analysed', async ({ page }) => {
  const errors = recordErrors(page);
  await loseTheAnalysisInFlightAtTheSwitch(page);
  await videoReady(page, join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
  await page.getByTestId('video-analyse').click();
  await page.waitForFunction(() => window.__resemote!.info().video.done >= 1, null, { timeout: 300_000, polling: 100 });
  await page.getByTestId('backend-webgl').check();
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL', { timeout: 540_000 });
  await page.waitForFunction(() => window.__resemote!.info().video.phase !== 'analysing', null, { timeout: 300_000, polling: 250 });
  expect(await probeOf(page)).toEqual({ lost: 1, switchAsked: true, swapped: true });
  const video = await page.evaluate(() => window.__resemote!.info().video);
  expect(video.phase, (await page.getByTestId('video-view').textContent({ timeout: 5_000 })) ?? '').toBe('done');
  expect(video.done).toBe(video.total);
  await expect(page.getByTestId('video-view')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('video-status')).toContainText('(100%)');
  await expect(page.getByTestId('notice-engine-busy')).toHaveCount(0);
  expect(await page.evaluate(() => window.__resemote!.info().backend)).toBe('webgl');
  expect(errors).toEqual([]);
});
