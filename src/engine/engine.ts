/**
 * The engine: one TF.js backend, one face detector, one emotion classifier, and one verb that turns
 * an image into faces with emotions. It runs in a dedicated Web Worker (engine.worker.ts) or, where
 * a browser cannot run the backend there, on the page's thread; both sides see the same interface
 * (EngineApi), so nothing above it knows where it runs.
 *
 * Lifecycle (the shape of tfjs-models' detectors and MediaPipe tasks): `await Engine.create()`
 * does all I/O (backend, model download, detector and its wasm, in parallel, then shader warm-up)
 * and either gives a ready engine or rejects with an EngineError saying what failed; `analyse()`
 * is the verb; `setModel()` swaps the classifier only once the new one is warm (the old one keeps
 * analysing until then, and stays on failure); `dispose()` releases every tensor and the detector.
 *
 * A camera frame and a photo go through the same path (detect -> square crops -> gray 64x64 ->
 * classify in one batch); a photo is also searched tile by tile for small faces. Tracking and
 * smoothing are not here: they belong to the live view (app/live.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { type Analysis, type AnalysisKind, type BenchmarkResult, type EngineApi, type EngineConfig, EngineError, type EngineMemory, type EngineProgress, type EngineStatus, type Explanation, type FailedPart } from './api';
import { type ActivationOptions, type ActivationResult, activateBackend, compiledShaders, type BackendName, type BackendSupportMap } from './backendActivation';
import { eyeRoll } from './align';
import type { Box } from './box';
import { EmotionClassifier, type ModelMetadata } from './classifier';
import { type CropConfig, DEFAULT_CROP, rolledSquare, wholeSquare } from './crop';
import { drawPadded } from './padding';
import { fillsImage, needsSecondLook, passesFaceCheck } from './faceCheck';
import { type DetectedFace, type DetectorOptions, FaceDetectorService } from './detector';
import { NUM_EMOTIONS } from './emotions';
import { errorMessage } from './errorMessage';
import { fetchModelArtifacts, type LoadProgress } from './modelLoader';
import { regionRenderer } from './regionRenderer';
import { FrameReader, type FramePixels, isVideoFrame } from './frameReader';
import { drawThumbnail, shrinkPixels } from './thumbnail';
import { warmupPlan } from './warmup';

const shifted = (b: Box, by: number): Box => ({ ...b, x: b.x + by, y: b.y + by });

/** The parts an engine is built from; tests swap in fakes. */
export interface Detector {
  detectImage(image: TexImageSource | OffscreenCanvas | ImageBitmap | ImageData): DetectedFace[];
  detectPhoto(width: number, height: number, draw: (region: Box, size: number) => TexImageSource | OffscreenCanvas): DetectedFace[];
  /** The detector's score for `box` of `image` looked at again (faceCheck.ts), 0 when not found. */
  secondLook(image: CanvasImageSource | ImageData, width: number, height: number, box: Box): number;
  close(): void;
}

export interface Classifier {
  readonly metadata: ModelMetadata;
  classify(pixels: tf.Tensor3D, boxes: readonly Box[], rolls?: readonly number[]): Promise<Float32Array[]>;
  /** Occlusion sensitivity of the face cut by `box` (turned by `roll`) for class `target` (explain.ts). */
  explain(pixels: tf.Tensor3D, box: Box, roll?: number, target?: number): Promise<Omit<Explanation, 'crop' | 'roll' | 'ms'>>;
  warmup(batchSizes?: readonly number[], frameSize?: [number, number], cropSides?: readonly number[]): Promise<number>;
  dispose(): void;
}

export interface EngineDeps {
  activate(wanted: BackendName, support?: BackendSupportMap, options?: ActivationOptions): Promise<ActivationResult>;
  /** Download (or read from the cache) a model's artifacts; no backend needed. */
  loadModel(url: string, onProgress: (p: LoadProgress) => void): Promise<{ artifacts: tf.io.ModelArtifacts; fromCache: boolean }>;
  /** Build a classifier from artifacts on the active backend. */
  buildClassifier(artifacts: tf.io.ModelArtifacts): Promise<Classifier>;
  createDetector(options: Partial<DetectorOptions>): Promise<Detector>;
  /** Pixels of an image (a bitmap, or a camera frame read by copy) as a tensor on the active backend. */
  pixels(image: FramePixels): tf.Tensor3D;
  /** The image on a larger canvas whose border repeats its edges (the tight-crop retry). */
  padImage(image: ImageBitmap): { image: ImageBitmap; pad: number };
  /** A frame in miniature for scene-cut detection (thumbnail.ts); null where it cannot be made. */
  thumbnail(image: FramePixels): Uint8ClampedArray | null;
  /** Reads camera frames (VideoFrame) into pixels: one per engine (it owns a reused buffer). */
  frameReader(): FrameReader;
}

export const browserDeps: EngineDeps = {
  activate: activateBackend,
  loadModel: (url, onProgress) => fetchModelArtifacts(url, onProgress),
  buildClassifier: (artifacts) => EmotionClassifier.fromArtifacts(artifacts),
  createDetector: (options) => FaceDetectorService.create(options),
  pixels: (image) => tf.browser.fromPixels(image),
  padImage: (image) => {
    const { canvas, padding } = drawPadded(image, image.width, image.height);
    return { image: canvas.transferToImageBitmap(), pad: padding.pad };
  },
  thumbnail: (image) => ('data' in image ? shrinkPixels(image) : drawThumbnail(image)),
  frameReader: () => new FrameReader(),
};

async function attempt<T>(part: FailedPart, job: Promise<T>): Promise<T> {
  try {
    return await job;
  } catch (err) {
    throw err instanceof EngineError ? err : new EngineError(part, errorMessage(err));
  }
}

export class Engine implements EngineApi {
  private disposed = false;
  /**
   * The engine's own state lock: an analysis, a model swap, a benchmark, a memory reading and
   * dispose() never overlap (a swap must not free the classifier under a running analysis). It
   * does not decide which camera frames are analysed: the camera's frameLoop (app/camera.ts) keeps
   * one frame in flight and drops the others.
   */
  private busy: Promise<unknown> = Promise.resolve();
  private readonly frames: FrameReader;

  private constructor(
    private readonly deps: EngineDeps,
    private readonly detector: Detector,
    private classifier: Classifier,
    /** A crop forced by the caller (tests, calibration); otherwise each model's card says how it was cropped. */
    private readonly cropOverride: CropConfig | undefined,
    private readonly warmupFrame: [number, number],
    public status: EngineStatus,
    /** Detections the detector is not sure of get a second look (faceCheck.ts). */
    private readonly faceCheck = true,
  ) {
    this.frames = deps.frameReader();
  }

  static async create(config: EngineConfig, onProgress: (p: EngineProgress) => void = () => undefined, deps: EngineDeps = browserDeps): Promise<Engine> {
    const t0 = performance.now();
    // The downloads (model, detector + wasm) start at once and run while the backend initialises.
    const backendJob = attempt('backend', deps.activate(config.backend, config.support, config.tfjsWasmBase ? { wasmBase: config.tfjsWasmBase } : {}));
    const download = attempt('model', deps.loadModel(config.modelUrl, (p) => onProgress({ stage: 'model', ...p })));
    const modelJob = Promise.all([backendJob, download]).then(async ([, loaded]) => ({
      classifier: await attempt('model', deps.buildClassifier(loaded.artifacts)),
      fromCache: loaded.fromCache,
    }));
    onProgress({ stage: 'detector', done: false });
    const detectorJob = attempt('detector', deps.createDetector(config.detector ?? {})).then((d) => {
      onProgress({ stage: 'detector', done: true });
      return d;
    });
    let parts: [ActivationResult, { classifier: Classifier; fromCache: boolean }, Detector];
    try {
      parts = await Promise.all([backendJob, modelJob, detectorJob]);
    } catch (err) {
      // Fail at the first failure; release the parts that still finish: a failed start leaves no
      // tensor and no wasm instance behind.
      void modelJob.then((m) => m.classifier.dispose(), () => undefined);
      void detectorJob.then((d) => d.close(), () => undefined);
      throw err;
    }
    const [activation, { classifier, fromCache }, detector] = parts;
    onProgress({ stage: 'backend', backend: activation.active });
    onProgress({ stage: 'warming', backend: activation.active });
    const frame = config.warmupFrame ?? [720, 1280];
    let warmupMs: number;
    try {
      const plan = warmupPlan(activation.active);
      warmupMs = await classifier.warmup(plan.batchSizes, frame, plan.cropSides);
    } catch (err) {
      classifier.dispose();
      detector.close();
      throw new EngineError('backend', `the ${activation.active} backend failed while preparing the model: ${errorMessage(err)}`);
    }
    const status: EngineStatus = {
      backend: activation.active,
      ...(activation.fallback ? { fallback: activation.fallback } : {}),
      modelId: config.modelId,
      model: { name: classifier.metadata.name, quantization: classifier.metadata.quantization, weightBytes: classifier.metadata.weightBytes },
      loadMs: performance.now() - t0,
      warmupMs,
      modelFromCache: fromCache,
    };
    return new Engine(deps, detector, classifier, config.crop, frame, status, config.detector?.faceCheck ?? true);
  }

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.busy.then(job, job);
    this.busy = run.catch(() => undefined);
    return run;
  }

  /**
   * Detect and classify every face of `image`. Takes ownership of it (closes it). A camera's own
   * frame (VideoFrame) is read by copy into the engine's reused buffer (frameReader.ts), under the
   * lock, so the buffer is never overwritten while an analysis reads it.
   */
  analyse(image: ImageBitmap | VideoFrame, kind: AnalysisKind): Promise<Analysis> {
    return this.exclusive(async () => {
      if (!isVideoFrame(image)) return this.analyseNow(image, kind);
      if (this.disposed) throw new EngineError('engine', 'the engine was disposed');
      let pixels: FramePixels;
      try {
        pixels = await this.frames.read(image, kind === 'frame');
      } catch (err) {
        throw new EngineError('input', `the camera frame could not be read (${errorMessage(err)})`);
      }
      try {
        return await this.analyseNow(pixels, kind);
      } finally {
        if (!('data' in pixels)) pixels.close();
      }
    }).finally(() => image.close());
  }

  private async analyseNow(image: FramePixels, kind: AnalysisKind): Promise<Analysis> {
    if (this.disposed) throw new EngineError('engine', 'the engine was disposed');
    const t0 = performance.now();
    const { width, height } = image;
    const thumb = kind === 'frame' ? this.deps.thumbnail(image) : null;
    // A photo is searched region by region, which draws it: it is always a bitmap (frameReader.ts
    // copies only frames).
    const photo = kind === 'photo' && !('data' in image) ? image : null;
    // 'whole': the user says the image is a face (one the detector did not find): no detection.
    const whole = kind === 'whole';
    let detections: DetectedFace[];
    try {
      detections = whole ? [{ box: { x: 0, y: 0, width, height }, score: 0 }] : photo ? this.detector.detectPhoto(width, height, regionRenderer(photo)) : this.detector.detectImage(image);
    } catch (err) {
      throw new EngineError('detector', `face detection failed: ${errorMessage(err)}`);
    }
    // A photo that is only a face (a passport picture, a cropped face) gives the detector no
    // context: once more on the photo padded by its own border, cropped there, boxes mapped back.
    let source: FramePixels = image;
    let pad = 0;
    if (whole && !('data' in image)) {
      // Read from the photo padded by its own border, so the square past its shorter side repeats
      // the photo's edges (as the tight-crop retry's crops do) instead of turning black.
      const padded = this.deps.padImage(image);
      [source, pad] = [padded.image, padded.pad];
      detections = detections.map((d) => ({ ...d, box: { ...d.box, x: d.box.x + pad, y: d.box.y + pad } }));
    }
    if (photo && detections.length === 0) {
      const padded = this.deps.padImage(photo);
      try {
        detections = this.detector.detectImage(padded.image);
      } catch (err) {
        padded.image.close();
        throw new EngineError('detector', `face detection failed: ${errorMessage(err)}`);
      }
      if (detections.length) [source, pad] = [padded.image, padded.pad];
      else padded.image.close();
    }
    try {
      if (!whole) detections = this.checkFaces(detections, source, width, height);
    } catch (err) {
      if (source !== image && !('data' in source)) source.close();
      throw new EngineError('detector', `face detection failed: ${errorMessage(err)}`);
    }
    if (kind === 'photo') detections.sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
    const t1 = performance.now();
    const cropConfig = this.cropOverride ?? this.classifier.metadata.preprocessing?.crop ?? DEFAULT_CROP;
    const align = this.classifier.metadata.preprocessing?.align === true;
    const rolls = align && !whole ? detections.map((d) => eyeRoll(d.eyes)) : undefined;
    const crops = whole ? [shifted(wholeSquare(width, height), pad)] : detections.map((d, i) => rolledSquare(d.box, rolls?.[i] ?? 0, source.width, source.height, cropConfig));
    let probs: Float32Array[] = [];
    try {
      if (crops.length) {
        const pixels = this.deps.pixels(source);
        try {
          probs = await this.classifier.classify(pixels, crops, rolls);
        } finally {
          pixels.dispose();
        }
      }
    } finally {
      if (source !== image && !('data' in source)) source.close();
    }
    const t2 = performance.now();
    const n = detections.length;
    const out: Analysis = {
      kind,
      width,
      height,
      count: n,
      boxes: new Float32Array(n * 4),
      crops: new Float32Array(n * 4),
      scores: new Float32Array(n),
      probs: new Float32Array(n * NUM_EMOTIONS),
      timings: { detectMs: t1 - t0, classifyMs: t2 - t1, totalMs: t2 - t0 },
      backend: this.status.backend,
      model: this.status.modelId,
      tensors: tf.memory().numTensors,
      ...(pad ? { padded: true } : {}),
      ...(whole ? { whole: true } : {}),
      ...(rolls ? { rolls: Float32Array.from(rolls) } : {}),
      ...(thumb ? { thumb } : {}),
    };
    detections.forEach((d, i) => {
      const c = crops[i] as Box;
      out.boxes.set([d.box.x - pad, d.box.y - pad, d.box.width, d.box.height], i * 4);
      out.crops.set([c.x - pad, c.y - pad, c.width, c.height], i * 4);
      out.scores[i] = d.score;
      out.probs.set(probs[i] ?? new Float32Array(NUM_EMOTIONS), i * NUM_EMOTIONS);
    });
    return out;
  }

  /** The detections that pass the face check (faceCheck.ts): a second look at each one the detector was not sure of. */
  private checkFaces(detections: DetectedFace[], source: FramePixels, width: number, height: number): DetectedFace[] {
    if (!this.faceCheck) return detections;
    return detections.filter((d) => !needsSecondLook(d.score) || passesFaceCheck(d.score, this.detector.secondLook(source, source.width, source.height, d.box), fillsImage(d.box, width, height)));
  }

  /** Why this emotion, for one face of `image` (its crop as an analysis gave it). Closes the bitmap. */
  explain(image: ImageBitmap, crop: Box, roll?: number, target?: number): Promise<Explanation> {
    return this.exclusive(async () => {
      if (this.disposed) throw new EngineError('engine', 'the engine was disposed');
      const t0 = performance.now();
      const pixels = this.deps.pixels(image);
      try {
        const map = await this.classifier.explain(pixels, crop, roll, target);
        return { ...map, crop: { ...crop }, ...(roll ? { roll } : {}), ms: performance.now() - t0 };
      } finally {
        pixels.dispose();
      }
    }).finally(() => image.close());
  }

  setModel(modelUrl: string, modelId: string, onProgress: (p: EngineProgress) => void = () => undefined): Promise<EngineStatus> {
    // Download outside the lock (analyses go on meanwhile); build, warm and swap inside it.
    const loading = attempt('model', this.deps.loadModel(modelUrl, (p) => onProgress({ stage: 'model', ...p })));
    return this.exclusive(async () => {
      const { artifacts, fromCache } = await loading;
      if (this.disposed) throw new EngineError('engine', 'the engine was disposed');
      const next = await attempt('model', this.deps.buildClassifier(artifacts));
      onProgress({ stage: 'warming', backend: this.status.backend });
      let warmupMs: number;
      try {
        const plan = warmupPlan(this.status.backend);
        warmupMs = await next.warmup(plan.batchSizes, this.warmupFrame, plan.cropSides);
      } catch (err) {
        next.dispose();
        throw new EngineError('model', `the model could not run on ${this.status.backend}: ${errorMessage(err)}`);
      }
      const previous = this.classifier;
      this.classifier = next;
      previous.dispose();
      this.status = {
        ...this.status,
        modelId,
        model: { name: next.metadata.name, quantization: next.metadata.quantization, weightBytes: next.metadata.weightBytes },
        warmupMs,
        modelFromCache: fromCache,
      };
      return this.status;
    });
  }

  /**
   * The classifier's median time on 1 and on 4 face crops of a camera-sized frame (crop + model +
   * read back). Each run takes the engine's lock on its own, so live analyses go on between runs:
   * measuring the running engine never stalls the camera for the whole benchmark.
   */
  async benchmark(runs = 7): Promise<BenchmarkResult> {
    const [h, w] = this.warmupFrame;
    const boxes = (k: number): Box[] => Array.from({ length: k }, (_, i) => ({ x: 20 + i * 150, y: 40, width: 140, height: 140 }));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const frame = await this.exclusive(async () => tf.zeros([h, w, 3], 'int32') as tf.Tensor3D);
    const time = async (k: number) => {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        samples.push(
          await this.exclusive(async () => {
            if (this.disposed) throw new EngineError('engine', 'the engine was disposed');
            const t0 = performance.now();
            await this.classifier.classify(frame, boxes(k));
            return performance.now() - t0;
          }),
        );
      }
      return median(samples);
    };
    try {
      return { backend: this.status.backend, oneFaceMs: await time(1), fourFacesMs: await time(4) };
    } finally {
      frame.dispose();
    }
  }

  /**
   * Tensors and bytes held between analyses. Queued behind the running job: sampled in the middle of
   * one (while classify awaits the GPU) it would count that frame's own short-lived tensors.
   */
  memory(): Promise<EngineMemory> {
    return this.exclusive(async () => {
      const m = tf.memory();
      return { tensors: m.numTensors, bytes: m.numBytes, shaders: compiledShaders(), frames: { ...this.frames.counts } };
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.busy;
    this.classifier.dispose();
    this.detector.close();
  }
}
