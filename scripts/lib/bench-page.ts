/**
 * The in-page half of `npm run bench:engine` (scripts/bench-engine.ts). The Vite dev server serves
 * this module to the headless page, which imports it by URL ('/scripts/lib/bench-page.ts'): it
 * imports the app's own engine modules, so the bench times exactly the code the app runs, on the
 * same tfjs instance. The whole-frame figure is `Engine.analyse` itself (engine.ts), built from the
 * classifier and detector this page already loaded, so no copy of the engine's path lives here.
 * It returns raw samples only; the Node side summarizes them (stats.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { engineAssets } from '../../src/engine/assets';
import { activateBackend, compiledShaders, type GpuBackend } from '../../src/engine/backendActivation';
import type { Box } from '../../src/engine/box';
import { EmotionClassifier } from '../../src/engine/classifier';
import { cropFaces, squareCrop } from '../../src/engine/crop';
import { FaceDetectorService } from '../../src/engine/detector';
import { browserDeps, type Classifier, type Detector, Engine, type EngineDeps } from '../../src/engine/engine';
import { warmupPlan } from '../../src/engine/warmup';

/** The page's tfjs (the app's instance), for ad-hoc experiments in page.evaluate. */
export { tf };

/** The dev server serves the engine's files at its root, as the app does (engine/assets.ts). */
const ASSETS = engineAssets('/');

export interface FrameSpec {
  width: number;
  height: number;
  /** The fixture photo, base64 (the page cannot read the repository; data: URLs are not used). */
  photoBase64: string;
  /** Where the photo is drawn in the frame (cover-fit, computed by the Node side). */
  draw: Box;
  /** Detector-style face boxes in frame pixels; the first one is the 1-face case. */
  faces: Box[];
}

export interface BenchConfig {
  backend: GpuBackend;
  models: { id: string; url: string }[];
  runs: number;
  frame: FrameSpec;
}

/** One timed operation: its first call (shader compilation shows here) and `runs` timed calls. */
export interface Timing {
  firstMs: number;
  samples: number[];
}

export interface ModelResult {
  id: string;
  /** Whether the weights came from the Cache Storage (it is cleared first, so this should be false). */
  fromCache: boolean;
  loadMs: number;
  warmupMs: number;
  /** classifier.classify(pixels, 1 box), frame tensor already on the backend. */
  classify1: Timing;
  /** classifier.classify(pixels, 4 boxes). */
  classify4: Timing;
  /** cropFaces(pixels, 4 boxes) + data(): the crop alone. */
  crop4: Timing;
  /** classifier.predict on a ready [4, 64, 64, 1] tensor + data(): the model alone. */
  model4: Timing;
  /** Engine.analyse(bitmap of the video, 'frame') on the 4-face frame (detect + fromPixels + crop + classify), on this thread. */
  frame4: Timing;
  /** Faces the detector found in the frame (the frame time depends on it). */
  frameFaces: number;
  /** The analysis's own split (Analysis.timings) of the timed frames, ms. */
  frameDetectMs: number[];
  frameClassifyMs: number[];
  tensors: { beforeLoad: number; beforeRuns: number; afterRuns: number; afterDispose: number };
  /**
   * Shaders (WebGL programs, WebGPU pipelines) this model added, counted from TF.js's caches: by
   * the warm-up's model runs, by its crop runs, and by everything after the warm-up (a shape the
   * warm-up missed, compiled during a frame). The caches are per page, so a later model only adds
   * what an earlier one did not compile already.
   */
  shaders: { warmupModel: number; warmupCrop: number; afterWarmup: number };
}

export interface BackendResult {
  backend: GpuBackend;
  /** The backend tfjs actually runs (differs from `backend` only on a fallback, which is an error). */
  active: string;
  detectorCreateMs: number;
  /** detector.detectImage on the 1280x720 canvas; MediaPipe's CPU wasm, once per backend page. */
  detect: Timing;
  detectFaces: number;
  models: ModelResult[];
}

export interface GpuInfo {
  webgpu: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean } | null;
  webgl: { vendor: string; renderer: string } | null;
  userAgent: string;
  hardwareConcurrency: number;
}

function log(message: string): void {
  console.log(`[bench] ${message}`); // forwarded to the terminal by bench-engine.ts
}

/** What the browser says about its GPUs (in headless Chromium here: SwiftShader for both). */
export async function gpuInfo(): Promise<GpuInfo> {
  let webgpu: GpuInfo['webgpu'] = null;
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  if (adapter) {
    const i = adapter.info;
    const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
    webgpu = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, ...(fallback === undefined ? {} : { isFallbackAdapter: fallback }) };
  }
  let webgl: GpuInfo['webgl'] = null;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl) {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    webgl = {
      vendor: String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
      renderer: String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
    };
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
  return { webgpu, webgl, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency };
}

/** Call `fn` once (reported apart as firstMs: it may compile shaders), then time `runs` calls. */
async function time(runs: number, fn: () => unknown): Promise<Timing> {
  let t = performance.now();
  await fn();
  const firstMs = performance.now() - t;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { firstMs, samples };
}

/** The 1280x720 frame: the fixture photo drawn into a canvas. */
async function makeFrame(spec: FrameSpec): Promise<HTMLCanvasElement> {
  const bytes = Uint8Array.from(atob(spec.photoBase64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
  const canvas = document.createElement('canvas');
  canvas.width = spec.width;
  canvas.height = spec.height;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, spec.width, spec.height);
  ctx.drawImage(bitmap, spec.draw.x, spec.draw.y, spec.draw.width, spec.draw.height);
  bitmap.close();
  return canvas;
}

/**
 * The camera path starts from an HTMLVideoElement; a canvas capture stream gives one that shows
 * the frame, so the whole-frame time is the app's real camera path (a bitmap of a video included).
 */
async function videoOf(canvas: HTMLCanvasElement): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = canvas.captureStream(30);
  document.body.append(video);
  // A capture stream sends a frame when the canvas is painted; repaint it so the first one comes.
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.drawImage(canvas, 0, 0);
  // play() resolves once a frame is there. (requestVideoFrameCallback would never fire: headless
  // Chromium composites no frames for an off-screen video.)
  await video.play();
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) throw new Error('the capture video has no frame');
  if (video.videoWidth !== canvas.width || video.videoHeight !== canvas.height) {
    throw new Error(`the capture video is ${video.videoWidth}x${video.videoHeight}, expected ${canvas.width}x${canvas.height}`);
  }
  return video;
}

/** Cache Storage holds model shards from earlier loads; clear it so load time includes the download. */
async function clearCaches(): Promise<void> {
  for (const key of await caches.keys()) await caches.delete(key);
}

/** Engine parts that are the page's own loaded objects; the engine's dispose() leaves them alone. */
function sharedParts(active: GpuBackend, classifier: EmotionClassifier, detector: FaceDetectorService): EngineDeps {
  const kept: Classifier = {
    metadata: classifier.metadata,
    classify: (p, b) => classifier.classify(p, b),
    explain: (p, b, r, t) => classifier.explain(p, b, r, t),
    warmup: (n, f) => classifier.warmup(n, f),
    dispose: () => undefined,
  };
  const shared: Detector = {
    detectImage: (i) => detector.detectImage(i),
    detectRegions: (r, d) => detector.detectRegions(r, d),
    secondLook: (i, w, h, b) => detector.secondLook(i, w, h, b),
    close: () => undefined,
  };
  return {
    activate: async () => ({ active }),
    loadModel: async () => ({ artifacts: {}, fromCache: false }),
    buildClassifier: async () => kept,
    createDetector: async () => shared,
    pixels: browserDeps.pixels,
    regionPixels: browserDeps.regionPixels,
    padImage: browserDeps.padImage,
    thumbnail: browserDeps.thumbnail,
    frameReader: browserDeps.frameReader,
  };
}

async function benchModel(
  model: { id: string; url: string },
  runs: number,
  canvas: HTMLCanvasElement,
  video: HTMLVideoElement,
  detector: FaceDetectorService,
  faces: Box[],
  active: GpuBackend,
): Promise<ModelResult> {
  await clearCaches();
  const beforeLoad = tf.memory().numTensors;
  let fromCache = false;
  let t = performance.now();
  const classifier = await EmotionClassifier.load(model.url, (p) => (fromCache = p.fromCache));
  const loadMs = performance.now() - t;
  // The app's warm-up plan for this backend, on a frame of the bench's size, in its two halves
  // (classifier.warmup runs the same two), so that their shaders can be told apart.
  const plan = warmupPlan(active);
  const frameSize: [number, number] = [canvas.height, canvas.width];
  const shaders0 = compiledShaders();
  t = performance.now();
  await classifier.warmModel(plan.batchSizes);
  const shaders1 = compiledShaders();
  await classifier.warmCrops(plan.batchSizes, frameSize, plan.cropSides);
  const warmupMs = performance.now() - t;
  const shaders2 = compiledShaders();
  log(`${model.id}: loaded in ${loadMs.toFixed(0)} ms, warmed up in ${warmupMs.toFixed(0)} ms, ${shaders2 - shaders0} shaders (${shaders1 - shaders0} model, ${shaders2 - shaders1} crop)`);

  // The app classifies the square crops around the detector boxes, not the boxes themselves.
  const crops = faces.map((f) => squareCrop(f, canvas.width, canvas.height));
  const one = crops.slice(0, 1);
  const pixels = tf.browser.fromPixels(canvas);
  const ready = cropFaces(pixels, crops); // the model-only input: the real 4 faces, already cut out
  const beforeRuns = tf.memory().numTensors;

  const classify1 = await time(runs, () => classifier.classify(pixels, one));
  log(`${model.id}: classify 1 face done`);
  const classify4 = await time(runs, () => classifier.classify(pixels, crops));
  log(`${model.id}: classify 4 faces done`);
  const crop4 = await time(runs, async () => {
    const batch = cropFaces(pixels, crops);
    await batch.data();
    batch.dispose();
  });
  const model4 = await time(runs, async () => {
    const probs = classifier.predict(ready);
    await probs.data();
    probs.dispose();
  });
  log(`${model.id}: crop-only and model-only done`);

  // The app's engine, from the parts loaded above: Engine.create's I/O steps are handed finished
  // objects (its warm-up runs again, untimed); disposing it leaves them to this page.
  const engine = await Engine.create(
    { backend: active, modelUrl: model.url, modelId: model.id, warmupFrame: [video.videoHeight, video.videoWidth], ...ASSETS },
    undefined,
    sharedParts(active, classifier, detector),
  );
  let frameFaces = 0;
  const frameDetectMs: number[] = [];
  const frameClassifyMs: number[] = [];
  const frame4 = await time(runs, async () => {
    const analysis = await engine.analyse(await createImageBitmap(video), 'frame');
    frameFaces = analysis.count;
    frameDetectMs.push(analysis.timings.detectMs);
    frameClassifyMs.push(analysis.timings.classifyMs);
  });
  await engine.dispose();
  // The first call's split is not a timed sample.
  frameDetectMs.shift();
  frameClassifyMs.shift();
  log(`${model.id}: whole frame done (${frameFaces} faces detected)`);

  const afterRuns = tf.memory().numTensors;
  const afterWarmup = compiledShaders() - shaders2;
  ready.dispose();
  pixels.dispose();
  classifier.dispose();
  const afterDispose = tf.memory().numTensors;
  return {
    id: model.id,
    fromCache,
    loadMs,
    warmupMs,
    classify1,
    classify4,
    crop4,
    model4,
    frame4,
    frameFaces,
    frameDetectMs,
    frameClassifyMs,
    tensors: { beforeLoad, beforeRuns, afterRuns, afterDispose },
    shaders: { warmupModel: shaders1 - shaders0, warmupCrop: shaders2 - shaders1, afterWarmup },
  };
}

/** Everything for one backend, in a fresh page: detection once, then each model in turn. */
export async function runBackend(cfg: BenchConfig): Promise<BackendResult> {
  const { active } = await activateBackend(cfg.backend, undefined, { wasmBase: ASSETS.tfjsWasmBase });
  if (active !== cfg.backend) throw new Error(`tfjs could not start ${cfg.backend} (fell back to ${active})`);
  log(`${cfg.backend}: backend active`);
  const canvas = await makeFrame(cfg.frame);
  const video = await videoOf(canvas);

  const t = performance.now();
  const detector = await FaceDetectorService.create(ASSETS.detector);
  const detectorCreateMs = performance.now() - t;
  // Detection runs on MediaPipe's CPU wasm whatever the tfjs backend; timed once per backend page.
  let detectFaces = 0;
  const detect = await time(cfg.runs, () => (detectFaces = detector.detectImage(canvas).length));
  log(`${cfg.backend}: detection done (${detectFaces} faces)`);

  const models: ModelResult[] = [];
  try {
    for (const m of cfg.models) models.push(await benchModel(m, cfg.runs, canvas, video, detector, cfg.frame.faces, cfg.backend));
  } finally {
    detector.close();
  }
  return { backend: cfg.backend, active, detectorCreateMs, detect, detectFaces, models };
}
