/**
 * The start on WebAssembly and the hand-over to a GPU backend (since 0.3.0), with nothing pinned: the
 * app chooses. WebGPU is switched off in these browsers so the GPU backend warmed beside WebAssembly
 * is WebGL alone (SwiftShader's WebGPU warm-up takes minutes here; backend.spec.ts tests WebGPU).
 * Every wait is on the app's own state (readiness, frames, the toggle's text), never a delay.
 */
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';
import { FACE_Y4M } from './global-setup.ts';
import { engineTensors, expect, foreign, framesProcessed, openPage, recordErrors, recordRequests, test, waitFrames, waitReady } from './support.ts';

// SwiftShader compiles WebGL's shaders on the CPU, beside a running engine: tens of seconds here.
test.describe.configure({ timeout: 600_000 });

const withoutWebGpu = () =>
  chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${FACE_Y4M}`],
  });

const backendOf = (page: import('@playwright/test').Page) => page.evaluate(() => window.__resemote!.info().backend);

test('nothing chosen: results come on WebAssembly at once; WebGL, not faster on SwiftShader, does not take over, and the toggle says why', async () => {
  const browser = await withoutWebGpu();
  try {
    const page = await openPage(browser, { backend: 'auto', camera: true });
    const requests = recordRequests(page);
    const errors = recordErrors(page);
    await page.goto('/');
    await waitReady(page);
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
    await expect(page.getByTestId('backend-wasm')).toBeChecked();
    await expect(page.getByTestId('backend-webgl')).toBeEnabled();
    await expect(page.getByTestId('backend-webgpu')).toBeDisabled();
    await page.getByTestId('camera-toggle').click();
    await waitFrames(page, 3);
    await expect(page.getByTestId('stat-backend')).toHaveText('wasm');
    const tensors = await engineTensors(page);
    // WebGL warms in a second worker and is measured against WebAssembly; SwiftShader is far slower.
    await expect(page.getByTestId('backend-reason')).toContainText('WebGL was not faster on this device', { timeout: 540_000 });
    await expect(page.getByTestId('backend-reason')).toContainText('WebAssembly (CPU) stays');
    await expect(page.getByTestId('backend-warming')).toBeHidden();
    expect(await backendOf(page)).toBe('wasm');
    const after = await framesProcessed(page);
    await waitFrames(page, after + 20); // results keep coming after the measurement
    expect(await engineTensors(page)).toBe(tensors);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('resemote.settings.v1') ?? '{}').measured);
    expect(stored).toMatchObject({ backend: 'wasm', reason: expect.stringContaining('WebGL was not faster') });
    // The next visit remembers: WebAssembly, nothing warmed again.
    await page.reload();
    await waitReady(page);
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
    await expect(page.getByTestId('backend-reason')).toContainText('measured on this device earlier');
    await expect(page.getByTestId('backend-warming')).toBeHidden();
    expect(foreign(requests)).toEqual([]); // the wasm binaries come from the app's origin too
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('a GPU backend measured faster earlier: WebAssembly serves until WebGL is warm, then WebGL takes over without a gap, tensors flat', async () => {
  const browser = await withoutWebGpu();
  try {
    // What a revisit finds after WebGL measured faster on this device (a real GPU; not SwiftShader).
    const page = await openPage(browser, { backend: 'auto', camera: true, settings: { measured: { backend: 'webgl', reason: 'measured faster on this device' } } });
    await page.goto('/');
    await waitReady(page);
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
    await page.getByTestId('camera-toggle').click();
    await waitFrames(page, 3);
    const onWasm = await framesProcessed(page);
    const wasmTensors = await engineTensors(page);
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL', { timeout: 540_000 });
    // Frames were analysed on WebAssembly while WebGL warmed: the page never waited for it.
    const atHandOver = await framesProcessed(page);
    expect(atHandOver).toBeGreaterThan(onWasm);
    expect(await backendOf(page)).toBe('webgl');
    await waitFrames(page, atHandOver + 3);
    await expect(page.getByTestId('stat-backend')).toHaveText('webgl'); // the results say so too
    await expect(page.getByTestId('backend-webgl')).toBeChecked();
    await expect(page.getByTestId('backend-reason')).toContainText('measured faster on this device earlier');
    const glTensors = await engineTensors(page);
    await waitFrames(page, (await framesProcessed(page)) + 30);
    expect(await engineTensors(page)).toBe(glTensors);
    expect(glTensors).toBe(wasmTensors); // the same model on either backend, nothing left behind by the swap
  } finally {
    await browser.close();
  }
});

test("the user's pick of WebGL: WebAssembly serves until WebGL is warm, the toggle shows the pick and what runs, then WebGL takes over", async () => {
  const browser = await withoutWebGpu();
  try {
    // 'auto' leaves the start to the app, as for a user; the stored pick is what a user left.
    const page = await openPage(browser, { backend: 'auto', camera: true, settings: { backendWanted: 'webgl' } });
    await page.goto('/');
    await waitReady(page);
    await page.getByTestId('camera-toggle').click();
    await waitFrames(page, 1);
    // The first result came on WebAssembly (no shaders): WebGL takes tens of seconds to warm here.
    expect(await backendOf(page)).toBe('wasm');
    // While it warms the pick is checked, and the text names what runs.
    await expect(page.getByTestId('backend-webgl')).toBeChecked();
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebAssembly (CPU)');
    await expect(page.getByTestId('backend-warming')).toContainText('WebGL is warming up beside it; it takes over once warm.');
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL', { timeout: 540_000 });
    await expect(page.getByTestId('backend-reason')).toHaveText('Why WebGL: your choice.'); // under Details
    await waitFrames(page, (await framesProcessed(page)) + 3);
    await expect(page.getByTestId('stat-backend')).toHaveText('webgl');
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('resemote.settings.v1') ?? '{}').measured ?? null)).toBeNull();
  } finally {
    await browser.close();
  }
});

test("TF.js's wasm binaries fail to load: the engine starts on WebGL instead and says why", async () => {
  const browser = await withoutWebGpu();
  try {
    const page = await openPage(browser, { backend: 'auto' });
    await page.context().route('**/tfjs-wasm/*.wasm', (route) => route.abort());
    await page.goto('/');
    await waitReady(page);
    await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL');
    await expect(page.getByTestId('notice-backend-missing')).toContainText('WebAssembly (CPU) is not available');
    expect(await backendOf(page)).toBe('webgl');
  } finally {
    await browser.close();
  }
});
