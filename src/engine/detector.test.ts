import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isRuntimeChatter } from './detector';

/** A fresh copy of detector.ts: the runtime it loads is kept per thread (per module instance). */
async function freshDetector() {
  vi.resetModules();
  return (await import('./detector')).FaceDetectorService;
}
const failing = { create: false };

// MediaPipe's factory as it behaves: it reads globalThis.ModuleFactory (failing without one), makes
// its wasm instance with it, then clears the global.
vi.mock('@mediapipe/tasks-vision', () => ({
  FaceDetector: {
    async createFromOptions() {
      const g = globalThis as { ModuleFactory?: (arg: unknown) => Promise<unknown> };
      if (!g.ModuleFactory) throw new Error('ModuleFactory not set.');
      if (failing.create) throw new Error('Aborted(both async and sync fetching of the wasm failed)');
      await g.ModuleFactory({});
      g.ModuleFactory = undefined;
      return { close() {}, detect: () => ({ detections: [] }) };
    },
  },
}));

/** A TFLite model as far as the engine looks at one: "TFL3" at byte 4. */
const TFLITE = Uint8Array.from([28, 0, 0, 0, ...new TextEncoder().encode('TFL3'), 0, 0, 0, 0]);
/** The runtime's loader, a module whose default export is its factory (the folder name ends in a comment, so the file name appended to it is one too). */
const WASM_BASE = 'data:text/javascript,export default async (arg) => ({ arg });//';

describe('detector runtime logs', () => {
  it("routes the wasm runtime's own diagnostics to debug and keeps real errors", () => {
    expect(isRuntimeChatter('INFO: Created TensorFlow Lite XNNPACK delegate for CPU.')).toBe(true);
    expect(isRuntimeChatter('I1128 17:52:53.808999 2172416 gl_context.cc:408] GL version: 3.0')).toBe(true);
    expect(isRuntimeChatter('W1128 17:54:19.545999 2172416 inference_feedback_manager.cc:121] Feedback manager')).toBe(true);
    expect(isRuntimeChatter('Graph successfully started running.')).toBe(true);
    expect(isRuntimeChatter('Graph finished closing successfully.')).toBe(true);
    expect(isRuntimeChatter('E1128 17:54:19.545999 1 graph.cc:1] Graph failed')).toBe(false);
    expect(isRuntimeChatter('Aborted(OOM)')).toBe(false);
  });
});

describe('detectors on one thread', () => {
  beforeEach(() => {
    vi.stubGlobal('fetch', async () => new Response(TFLITE));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('a second detector, and a third, start after the first (MediaPipe clears the runtime factory each time)', async () => {
    const FaceDetectorService = await freshDetector();
    const options = { wasmBase: WASM_BASE, modelUrl: 'http://localhost/face_detector.tflite' };
    const first = await FaceDetectorService.create(options);
    first.close();
    const second = await FaceDetectorService.create(options);
    const third = await FaceDetectorService.create(options);
    expect(second.detectImage({ width: 4, height: 4 } as ImageBitmap)).toEqual([]);
    second.close();
    third.close();
  });

  it('detectors made at once all start', async () => {
    const FaceDetectorService = await freshDetector();
    const options = { wasmBase: WASM_BASE, modelUrl: 'http://localhost/face_detector.tflite' };
    const made = await Promise.all([1, 2, 3].map(() => FaceDetectorService.create(options)));
    expect(made).toHaveLength(3);
    for (const d of made) d.close();
  });
});

describe("the detector's files, missing or an HTML page: an error naming the URL and what came back", () => {
  const MODEL = 'https://site.example/assets/mediapipe/face_detector.tflite';
  const BASE = 'https://site.example/assets/mediapipe/wasm';
  const HTML = '<!doctype html><html><body>My app</body></html>';
  /** A server: each URL's answer ('missing': 404, 'html': the index page), the file for any other. */
  function serve(answers: Record<string, 'missing' | 'html'>) {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      const answer = answers[url];
      if (answer === 'missing') return new Response('not found', { status: 404 });
      if (answer === 'html') return new Response(HTML, { headers: { 'Content-Type': 'text/html' } });
      return new Response(url.endsWith('.wasm') ? Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) : TFLITE);
    });
  }
  afterEach(() => {
    vi.unstubAllGlobals();
    failing.create = false;
  });

  it.each([
    ['missing', 'HTTP 404'],
    ['html', 'an HTML page, not a TFLite model: check assetsUrl'],
  ] as const)('the detector model, %s', async (answer, said) => {
    serve({ [MODEL]: answer });
    const FaceDetectorService = await freshDetector();
    await expect(FaceDetectorService.create({ wasmBase: WASM_BASE, modelUrl: MODEL })).rejects.toMatchObject({ url: MODEL, message: `the face detector model ${MODEL} could not be loaded: ${said}` });
  });

  it.each([
    ['missing', 'HTTP 404'],
    ['html', 'an HTML page, not JavaScript: check assetsUrl'],
  ] as const)("the runtime's loader (vision_wasm_module_internal.js), %s", async (answer, said) => {
    const loader = `${BASE}/vision_wasm_module_internal.js`;
    serve({ [loader]: answer });
    const FaceDetectorService = await freshDetector();
    await expect(FaceDetectorService.create({ wasmBase: BASE, modelUrl: MODEL })).rejects.toMatchObject({ url: loader, message: `the face detector's runtime ${loader} could not be loaded: ${said}` });
  });

  it.each([
    ['missing', 'HTTP 404'],
    ['html', 'an HTML page, not WebAssembly: check assetsUrl'],
  ] as const)("the runtime's binary (vision_wasm_module_internal.wasm), %s", async (answer, said) => {
    // The loader is there (a data: URL here); its binary is fetched by the runtime as it starts.
    const binary = `${WASM_BASE}/vision_wasm_module_internal.wasm`;
    serve({ [binary]: answer });
    failing.create = true;
    const FaceDetectorService = await freshDetector();
    await expect(FaceDetectorService.create({ wasmBase: WASM_BASE, modelUrl: MODEL })).rejects.toMatchObject({
      url: binary,
      message: `the face detector's runtime ${binary} could not be loaded: ${said}`,
    });
  });

  it('a runtime that fails to start while its files are there says what it said', async () => {
    serve({});
    failing.create = true;
    const FaceDetectorService = await freshDetector();
    const err = await FaceDetectorService.create({ wasmBase: WASM_BASE, modelUrl: MODEL }).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'it could not start (Aborted(both async and sync fetching of the wasm failed))' });
    expect((err as { url?: string }).url).toBeUndefined();
  });
});
