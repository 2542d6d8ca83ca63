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
import {
  type Analysis,
  type AnalysisKind,
  type BenchmarkResult,
  type EngineApi,
  type EngineConfig,
  EngineError,
  type EngineMemory,
  type EngineProgress,
  type EngineStatus,
  type Explanation,
  type FailedPart,
} from './api';
import { type ActivationOptions, type ActivationResult, activateBackend, compiledShaders, type BackendName, type BackendSupportMap } from './backendActivation';
import { eyeRoll } from './align';
import { type Box, scaleBox } from './box';
import { EmotionClassifier, type ModelMetadata } from './classifier';
import { type CropConfig, cropRegion, DEFAULT_CROP, rolledSquare, wholeSquare } from './crop';
import { drawPadded } from './padding';
import { fillsImage, needsSecondLook, passesFaceCheck } from './faceCheck';
import { type DetectedFace, type DetectorOptions, FaceDetectorService } from './detector';
import { NUM_EMOTIONS } from './emotions';
import { errorMessage } from './errorMessage';
import { fetchModelArtifacts, type LoadProgress } from './modelLoader';
import { regionRenderer } from './regionRenderer';
import { FrameReader, type FramePixels, isVideoFrame } from './frameReader';
import { drawThumbnail, shrinkPixels } from './thumbnail';
import { leftToRight, mergeDetections, tilesPass } from './photoFaces';
import { photoTiles, type Tile, TILE_DRAW } from './tiling';
import { photoWarmupPlan, warmupPlan } from './warmup';

/** The parts an engine is built from; tests swap in fakes. */
export interface Detector {
  detectImage(image: TexImageSource | OffscreenCanvas | ImageBitmap | ImageData): DetectedFace[];
  /** Every detection in these regions of a photo (tiling.ts), in the photo's pixels; photoFaces.ts merges them. */
  detectRegions(regions: readonly Tile[], draw: (region: Box, size: number) => TexImageSource | OffscreenCanvas): DetectedFace[];
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
  activate(wanted: BackendName, support?: Partial<BackendSupportMap>, options?: ActivationOptions): Promise<ActivationResult>;
  /** Download (or read from the cache) a model's artifacts; no backend needed. */
  loadModel(url: string, onProgress: (p: LoadProgress) => void): Promise<{ artifacts: tf.io.ModelArtifacts; fromCache: boolean }>;
  /** Build a classifier from artifacts on the active backend. */
  buildClassifier(artifacts: tf.io.ModelArtifacts): Promise<Classifier>;
  createDetector(options: Partial<DetectorOptions>): Promise<Detector>;
  /** Pixels of an image (a bitmap, or a camera frame read by copy) as a tensor on the active backend. */
  pixels(image: FramePixels): tf.Tensor3D;
  /** Pixels of a part of a bitmap (whole pixels inside it), as a tensor on the active backend. */
  regionPixels(image: ImageBitmap, region: Box): tf.Tensor3D;
  /** The image on a larger canvas whose border repeats its edges (the tight-crop retry). */
  padImage(image: ImageBitmap): { image: ImageBitmap; pad: number };
  /** A frame in miniature for scene-cut detection (thumbnail.ts); null where it cannot be made. */
  thumbnail(image: FramePixels): Uint8ClampedArray | null;
  /** Reads camera frames (VideoFrame) into pixels: one per engine (it owns a reused buffer). */
  frameReader(): FrameReader;
}

/** A face with its crop and probabilities, before it becomes part of an Analysis. */
interface Classified {
  detection: DetectedFace;
  crop: Box;
  roll?: number;
  probs: Float32Array;
}

export const browserDeps: EngineDeps = {
  activate: activateBackend,
  loadModel: (url, onProgress) => fetchModelArtifacts(url, onProgress),
  buildClassifier: (artifacts) => EmotionClassifier.fromArtifacts(artifacts),
  createDetector: (options) => FaceDetectorService.create(options),
  pixels: (image) => tf.browser.fromPixels(image),
  regionPixels: (image, r) => {
    // A small part, read on the CPU: a face's square of a few hundred pixels a side.
    const ctx = new OffscreenCanvas(r.width, r.height).getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
    ctx.drawImage(image, r.x, r.y, r.width, r.height, 0, 0, r.width, r.height);
    return tf.browser.fromPixels(ctx.getImageData(0, 0, r.width, r.height));
  },
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
    if (err instanceof EngineError) throw err;
    // A missing or wrong file (assetCheck.ts) keeps its URL.
    const url = (err as { url?: unknown } | null)?.url;
    throw new EngineError(part, errorMessage(err), typeof url === 'string' ? url : undefined);
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
    const backendJob = attempt(
      'backend',
      deps.activate(config.backend, config.support, {
        ...(config.tfjsWasmBase ? { wasmBase: config.tfjsWasmBase } : {}),
        ...(config.wasmBinaryMissing ? { missingBinary: config.wasmBinaryMissing } : {}),
      }),
    );
    const download = attempt(
      'model',
      deps.loadModel(config.modelUrl, (p) => onProgress({ stage: 'model', ...p })),
    );
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
      void modelJob.then(
        (m) => m.classifier.dispose(),
        () => undefined,
      );
      void detectorJob.then(
        (d) => d.close(),
        () => undefined,
      );
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
   *
   * A photo is searched whole, then tile by tile for small faces (tiling.ts); with `onPartial`, the
   * faces of the whole photo come first, classified, as soon as that pass is done, and the final
   * result keeps them exactly as they were (same order, boxes, probabilities) and adds after them
   * the faces only the tiles found (photoFaces.ts).
   */
  analyse(image: ImageBitmap | VideoFrame, kind: AnalysisKind, onPartial?: (first: Analysis) => void): Promise<Analysis> {
    return this.exclusive(async () => {
      if (!isVideoFrame(image)) return this.analyseNow(image, kind, onPartial);
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

  private detect<T>(job: () => T): T {
    try {
      return job();
    } catch (err) {
      throw new EngineError('detector', `face detection failed: ${errorMessage(err)}`);
    }
  }

  private async analyseNow(image: FramePixels, kind: AnalysisKind, onPartial?: (first: Analysis) => void): Promise<Analysis> {
    if (this.disposed) throw new EngineError('engine', 'the engine was disposed');
    // A photo is searched region by region, which draws it: it is always a bitmap (frameReader.ts
    // copies only frames).
    if (kind === 'photo' && !('data' in image)) return this.analysePhoto(image, onPartial);
    if (kind === 'whole') return this.analyseWhole(image);
    const t0 = performance.now();
    const thumb = kind === 'frame' ? this.deps.thumbnail(image) : null;
    const detections = this.detect(() => this.checkFaces(this.detector.detectImage(image), image, image.width, image.height));
    const t1 = performance.now();
    const faces = await this.classifyAll(image, detections);
    const t2 = performance.now();
    return this.describe(kind, image, faces, { detectMs: t1 - t0, classifyMs: t2 - t1, totalMs: t2 - t0 }, 0, thumb);
  }

  /**
   * A photo: the whole image, then its tiles; a photo that is only a face (a passport picture, a
   * cropped face) gives the detector no context, so when nothing was found it is searched once more
   * padded by its own border, cropped there, boxes mapped back.
   */
  private async analysePhoto(photo: ImageBitmap, onPartial?: (first: Analysis) => void): Promise<Analysis> {
    const t0 = performance.now();
    const draw = regionRenderer(photo);
    const [whole, ...tiles] = photoTiles(photo.width, photo.height) as [Tile, ...Tile[]];
    const { width, height } = photo;
    // `found`: the whole photo's faces; `first`: those of them that pass the face check, shown first.
    const found = leftToRight(mergeDetections(this.detect(() => this.detector.detectRegions([whole], draw))));
    // Each second look's score, kept: a face turned down here is judged again on a tile's score.
    const again = new Map<DetectedFace, number>();
    const first = this.detect(() => this.checkFaces(found, photo, width, height, again));
    let detectMs = performance.now() - t0;
    let classifyMs = 0;
    let shown: Classified[] = [];
    // The pixels of the photo, read once for both classifications.
    let pixels: tf.Tensor3D | null = null;
    const tensor = () => (pixels ??= this.deps.pixels(photo));
    try {
      if (onPartial && first.length && tiles.length) {
        const t1 = performance.now();
        shown = await this.classify(tensor(), photo, first);
        classifyMs += performance.now() - t1;
        onPartial(this.describe('photo', photo, shown, { detectMs, classifyMs, totalMs: performance.now() - t0 }, 0, null));
      }
      const t2 = performance.now();
      const tilesFound = tiles.length ? this.detect(() => this.detector.detectRegions(tiles, draw)) : [];
      const { added, scores } = tilesPass(found, tilesFound);
      // The faces shown keep their place; a tile that saw one larger may only raise its score
      // (`shown` holds these same detections). One the check turned down is judged again on the
      // score a tile gave it (larger, so higher) and, passing, comes with the tiles' faces: the
      // check rules on a face's best score over the passes, as it was measured (docs/reliability.md).
      found.forEach((f, i) => (f.score = scores[i] ?? f.score));
      const rescued = found.filter((f) => !first.includes(f) && passesFaceCheck(f.score, again.get(f) ?? 0, fillsImage(f.box, width, height)));
      const more = leftToRight([...rescued, ...this.detect(() => this.checkFaces(added, photo, width, height))]);
      detectMs += performance.now() - t2;
      let detections = [...first, ...more];
      // The padded retry is for a photo in which the detector found nothing at all.
      if (found.length === 0 && added.length === 0) {
        const t3 = performance.now();
        const padded = this.deps.padImage(photo);
        try {
          detections = leftToRight(this.detect(() => this.checkFaces(this.detector.detectImage(padded.image), padded.image, width, height)));
          detectMs += performance.now() - t3;
          if (detections.length) {
            const t4 = performance.now();
            const faces = await this.classifyAll(padded.image, detections);
            classifyMs += performance.now() - t4;
            return this.describe('photo', photo, faces, { detectMs, classifyMs, totalMs: performance.now() - t0 }, padded.pad, null);
          }
        } finally {
          padded.image.close();
        }
      }
      const t5 = performance.now();
      const rest = shown.length ? detections.slice(shown.length) : detections;
      const faces = [...shown, ...(rest.length ? await this.classify(tensor(), photo, rest) : [])];
      classifyMs += performance.now() - t5;
      return this.describe('photo', photo, faces, { detectMs, classifyMs, totalMs: performance.now() - t0 }, 0, null);
    } finally {
      (pixels as tf.Tensor3D | null)?.dispose();
    }
  }

  /**
   * 'whole': the user says the image is a face the detector did not find; no detection, one face
   * whose box is the image, read from its square crop (a photo padded by its own border, so the
   * square past its shorter side repeats the photo's edges instead of turning black).
   */
  private async analyseWhole(image: FramePixels): Promise<Analysis> {
    const t0 = performance.now();
    const { width, height } = image;
    const padded = 'data' in image ? null : this.deps.padImage(image);
    const source = padded?.image ?? image;
    const pad = padded?.pad ?? 0;
    try {
      const crop = scaleBox(wholeSquare(width, height), 1, 1, pad, pad);
      const pixels = this.deps.pixels(source);
      let probs: Float32Array[];
      try {
        probs = await this.classifier.classify(pixels, [crop]);
      } finally {
        pixels.dispose();
      }
      const face: Classified = { detection: { box: { x: pad, y: pad, width, height }, score: 0 }, crop, probs: probs[0] ?? new Float32Array(NUM_EMOTIONS) };
      const t1 = performance.now();
      return this.describe('whole', image, [face], { detectMs: 0, classifyMs: t1 - t0, totalMs: t1 - t0 }, pad, null);
    } finally {
      padded?.image.close();
    }
  }

  /** The detections that pass the face check (faceCheck.ts): a second look at each one the detector was not sure of. */
  private checkFaces(detections: DetectedFace[], source: FramePixels, width: number, height: number, again?: Map<DetectedFace, number>): DetectedFace[] {
    if (!this.faceCheck) return detections;
    return detections.filter((d) => {
      if (!needsSecondLook(d.score)) return true;
      const look = this.detector.secondLook(source, source.width, source.height, d.box);
      again?.set(d, look);
      return passesFaceCheck(d.score, look, fillsImage(d.box, width, height));
    });
  }

  /** Crop and classify `detections` of `source` (its pixels read here). */
  private async classifyAll(source: FramePixels, detections: readonly DetectedFace[]): Promise<Classified[]> {
    if (detections.length === 0) return [];
    const pixels = this.deps.pixels(source);
    try {
      return await this.classify(pixels, source, detections);
    } finally {
      pixels.dispose();
    }
  }

  /** The classifier's square crop of each face (turned level when the card says align), and its probabilities. */
  private async classify(pixels: tf.Tensor3D, source: { width: number; height: number }, detections: readonly DetectedFace[]): Promise<Classified[]> {
    const cropConfig = this.cropOverride ?? this.classifier.metadata.preprocessing?.crop ?? DEFAULT_CROP;
    const align = this.classifier.metadata.preprocessing?.align === true;
    const rolls = align ? detections.map((d) => eyeRoll(d.eyes)) : undefined;
    const crops = detections.map((d, i) => rolledSquare(d.box, rolls?.[i] ?? 0, source.width, source.height, cropConfig));
    const probs = await this.classifier.classify(pixels, crops, rolls);
    return detections.map((d, i) => ({ detection: d, crop: crops[i] as Box, ...(rolls ? { roll: rolls[i] ?? 0 } : {}), probs: probs[i] ?? new Float32Array(NUM_EMOTIONS) }));
  }

  /** The flat result the page gets; `pad` shifts boxes found on a padded copy back to the image. */
  private describe(kind: AnalysisKind, image: { width: number; height: number }, faces: readonly Classified[], timings: Analysis['timings'], pad: number, thumb: Uint8ClampedArray | null): Analysis {
    const n = faces.length;
    const rolled = faces.some((f) => f.roll !== undefined);
    const out: Analysis = {
      kind,
      width: image.width,
      height: image.height,
      count: n,
      boxes: new Float32Array(n * 4),
      crops: new Float32Array(n * 4),
      scores: new Float32Array(n),
      probs: new Float32Array(n * NUM_EMOTIONS),
      timings,
      backend: this.status.backend,
      model: this.status.modelId,
      tensors: tf.memory().numTensors,
      // A whole image read as one face is marked so; a face found on the padded retry, as padded.
      ...(kind === 'whole' ? { whole: true } : pad ? { padded: true } : {}),
      ...(rolled ? { rolls: Float32Array.from(faces, (f) => f.roll ?? 0) } : {}),
      ...(thumb ? { thumb } : {}),
    };
    faces.forEach(({ detection: d, crop: c, probs }, i) => {
      out.boxes.set([d.box.x - pad, d.box.y - pad, d.box.width, d.box.height], i * 4);
      out.crops.set([c.x - pad, c.y - pad, c.width, c.height], i * 4);
      out.scores[i] = d.score;
      out.probs.set(probs, i * NUM_EMOTIONS);
    });
    return out;
  }

  /** Why this emotion, for one face of `image` (its crop as an analysis gave it). Closes the bitmap. */
  explain(image: ImageBitmap, crop: Box, roll?: number, target?: number): Promise<Explanation> {
    return this.exclusive(async () => {
      if (this.disposed) throw new EngineError('engine', 'the engine was disposed');
      const t0 = performance.now();
      // Only the part of the photo the crop reads: the map reads one face, and reading a whole
      // 1280 x 900 photo into a tensor cost a map 20-30 ms on WebAssembly (docs/speed.md).
      const region = cropRegion(crop, roll ?? 0, image.width, image.height);
      const whole = region.width === image.width && region.height === image.height;
      const pixels = whole ? this.deps.pixels(image) : this.deps.regionPixels(image, region);
      const local = whole ? crop : scaleBox(crop, 1, 1, -region.x, -region.y);
      try {
        const map = await this.classifier.explain(pixels, local, roll, target);
        return { ...map, crop: { ...crop }, ...(roll ? { roll } : {}), ms: performance.now() - t0 };
      } finally {
        pixels.dispose();
      }
    }).finally(() => image.close());
  }

  setModel(modelUrl: string, modelId: string, onProgress: (p: EngineProgress) => void = () => undefined): Promise<EngineStatus> {
    // Download outside the lock (analyses go on meanwhile); build, warm and swap inside it.
    const loading = attempt(
      'model',
      this.deps.loadModel(modelUrl, (p) => onProgress({ stage: 'model', ...p })),
    );
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

  private prepared = false;

  /**
   * A photo's first analysis prepared while the user picks it (api.ts): each step takes the lock on
   * its own, so a photo picked meanwhile waits for one step at most, not for all of them.
   */
  async prepare(kind: 'photo'): Promise<void> {
    if (kind !== 'photo' || this.prepared) return;
    this.prepared = true;
    const plan = photoWarmupPlan(this.status.backend);
    const [first = 1, ...more] = plan.batchSizes;
    // The detector on a blank square of a photo pass's size (its first image of a size costs it more
    // than the next), the crop path at each level (with the model at the first batch size), then
    // the other sizes.
    const steps = [
      ...(typeof OffscreenCanvas === 'function' ? [async () => void this.detector.detectImage(regionRenderer(new OffscreenCanvas(1, 1))({ x: 0, y: 0, width: 1, height: 1 }, TILE_DRAW))] : []),
      ...plan.cropSides.map((side) => () => this.classifier.warmup([first], plan.frame, [side])),
      ...more.map((n) => () => this.classifier.warmup([n], plan.frame, [])),
    ];
    try {
      for (const step of steps) {
        await this.exclusive(async () => {
          if (!this.disposed) await step();
        });
      }
    } catch {
      // Only a head start: the photo's own analysis does whatever this could not.
    }
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
