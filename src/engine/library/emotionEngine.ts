/**
 * The engine as a library: `createEngine(options)` loads everything (the shape of tfjs-models'
 * createDetector and MediaPipe's createFromOptions: all I/O in the async factory, a ready object or
 * an EngineError naming the part that failed), then `analyse(input, options)` is the one verb.
 *
 * It wraps the engine the app runs (remote.ts startEngine: a module worker where the browser can,
 * the page's thread otherwise) and adds what a page needs around it: any image, video frame or
 * bitmap as input (copied, never taken), a plain versioned result with probabilities by name, face
 * ids kept across frames (tracker.ts) when asked, a backend switch without a gap, and events. The
 * ResEmote app uses the same engine through startEngine and its own EngineHost, which also measures
 * two backends side by side before it hands over.
 */
import { type Analysis, type AnalysisKind, type EngineConfig, EngineError, type FailedPart } from '../api';
import { absoluteUrl, engineAssets, folderUrl, modelUrlIn, pageUrl } from '../assets';
import { type BackendName, type BackendSupportMap, probeWasm, probeWebGl, probeWebGpu } from '../backendSupport';
import { EMOTIONS, type Emotion } from '../emotions';
import { errorMessage } from '../errorMessage';
import { isVideoFrame } from '../frameReader';
import { type FaceResult, toFrameResult } from '../faces';
import { type CreatedEngine, startEngine } from '../remote';
import { FaceTracker, type TrackerOptions, trackedFaces } from '../tracker';
import { DEFAULT_ANALYSE_OPTIONS, DEFAULT_ENGINE_OPTIONS, RESULT_FORMAT } from './defaults';
import { Emitter } from './events';
import type { AnalyseOptions, EmotionEngine, EmotionEngineStatus, EmotionExplanation, EmotionFace, EmotionResult, EngineEventMap, EngineInput, EngineOptions } from './types';

/** What the library needs from the browser; tests swap in fakes. */
export interface LibraryDeps {
  start: typeof startEngine;
  /**
   * What this browser supports (undefined where there is no document to probe WebGL with). WebGPU
   * only when `backend` is WebGPU: asking for an adapter where there is none makes Chromium print
   * "No available adapters." on the console, so a page that does not use WebGPU never asks.
   */
  probe(backend: BackendName): Promise<Partial<BackendSupportMap> | undefined>;
  /** A new bitmap of the input's pixels; the input stays the caller's. */
  toBitmap(input: EngineInput): Promise<ImageBitmap>;
  now(): number;
}

export const browserLibraryDeps: LibraryDeps = {
  start: startEngine,
  probe: async (backend) => (typeof document === 'undefined' ? undefined : { wasm: probeWasm(), webgl: probeWebGl(), ...(backend === 'webgpu' ? { webgpu: await probeWebGpu() } : {}) }),
  toBitmap: async (input) => {
    if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement && !input.complete) await input.decode();
    return createImageBitmap(input);
  },
  now: () => performance.now(),
};

/** EngineOptions with every default filled in and every URL absolute. */
interface ResolvedOptions {
  assetsUrl: string;
  modelUrl: string;
  backend: BackendName;
  detector: { minScore: number; check: boolean };
  thread: 'auto' | 'page';
  warmupFrame: [number, number];
  tracker: TrackerOptions;
  onProgress?: EngineOptions['onProgress'];
}

/** The caller's options over the defaults, in a copy (the caller's object is never changed). */
export function resolveOptions(options: EngineOptions, base: string = pageUrl()): ResolvedOptions {
  if (!options?.assetsUrl) throw new TypeError("createEngine needs assetsUrl: the folder with the engine's files (the package's dist/assets/)");
  const assetsUrl = folderUrl(options.assetsUrl, base);
  const d = DEFAULT_ENGINE_OPTIONS;
  return {
    assetsUrl,
    modelUrl: options.modelUrl !== undefined ? absoluteUrl(options.modelUrl, base) : modelUrlIn(assetsUrl),
    backend: options.backend ?? d.backend,
    detector: { minScore: options.detector?.minScore ?? d.detector.minScore, check: options.detector?.check ?? d.detector.check },
    thread: options.thread ?? d.thread,
    warmupFrame: [...(options.warmupFrame ?? d.warmupFrame)],
    tracker: { ...d.tracker, ...options.tracker },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}

/** A model's name for results' provenance: its folder (…/resemotenet-s5/model.json → resemotenet-s5). */
export function modelIdOf(modelUrl: string): string {
  const parts = new URL(modelUrl).pathname.split('/').filter(Boolean);
  const last = parts.at(-1);
  return (last?.endsWith('.json') ? parts.at(-2) : last) ?? modelUrl;
}

function asEngineError(err: unknown, part: FailedPart = 'engine'): EngineError {
  return err instanceof EngineError ? err : new EngineError(part, errorMessage(err));
}

function publicFace(face: FaceResult): EmotionFace {
  const probabilities = Object.fromEntries(EMOTIONS.map((e, i) => [e, face.probs[i] ?? 0])) as Record<Emotion, number>;
  return { id: face.id, box: { ...face.box }, crop: { ...face.crop }, score: face.score, probabilities, top: { ...face.top }, stale: face.stale };
}

class LibraryEngine implements EmotionEngine {
  private readonly events = new Emitter<EngineEventMap>();
  private readonly tracker: FaceTracker;
  /** The engine that runs; null while the page's thread changes backend, or once disposed. */
  private running: CreatedEngine | null = null;
  /** The engine calls go to: the running one, or the one a page-thread switch is starting. */
  private current: Promise<CreatedEngine> = new Promise(() => undefined);
  private lastStatus!: EmotionEngineStatus;
  /** Switches and model changes, one at a time. */
  private lock: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private support: Partial<BackendSupportMap> | undefined;
  private modelUrl: string;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly deps: LibraryDeps,
  ) {
    if (options.onProgress) this.events.on('progress', options.onProgress);
    this.tracker = new FaceTracker(options.tracker);
    this.modelUrl = options.modelUrl;
  }

  async start(): Promise<void> {
    this.support = await this.deps.probe(this.options.backend).catch(() => undefined);
    let created: CreatedEngine;
    try {
      created = await this.open(this.options.backend);
    } catch (err) {
      throw this.report(asEngineError(err));
    }
    this.install(created);
  }

  get status(): EmotionEngineStatus {
    return this.lastStatus;
  }

  on<K extends keyof EngineEventMap>(type: K, listener: (event: EngineEventMap[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  private report(err: EngineError): EngineError {
    this.events.emit('error', err);
    return err;
  }

  /** The engine can no longer analyse: the status says what failed (a 'status' event too). */
  private broken(err: EngineError): void {
    if (this.disposed) return;
    this.lastStatus = { ...this.lastStatus, failed: { part: err.part, message: err.message, ...(err.url ? { url: err.url } : {}) } };
    this.events.emit('status', this.status);
  }

  private config(backend: BackendName): EngineConfig {
    const assets = engineAssets(this.options.assetsUrl);
    return {
      backend,
      ...(this.support ? { support: this.support } : {}),
      modelUrl: this.modelUrl,
      modelId: modelIdOf(this.modelUrl),
      tfjsWasmBase: assets.tfjsWasmBase,
      detector: { ...assets.detector, floorScore: this.options.detector.minScore, faceCheck: this.options.detector.check },
      warmupFrame: this.options.warmupFrame,
      pageEngineUrl: assets.pageEngineUrl,
    };
  }

  /** A new engine on `backend`; a worker that stops later is reported only while it is the running one. */
  private async open(backend: BackendName): Promise<CreatedEngine> {
    let mine: CreatedEngine | null = null;
    mine = await this.deps.start(this.config(backend), (p) => this.events.emit('progress', p), {
      preferWorker: this.options.thread !== 'page',
      onFailure: (err) => {
        if (mine && this.running === mine) this.broken(this.report(err));
      },
    });
    return mine;
  }

  private install(created: CreatedEngine): void {
    this.running = created;
    this.current = Promise.resolve(created);
    this.lastStatus = this.statusOf(created);
  }

  private statusOf(created: CreatedEngine): EmotionEngineStatus {
    return { ...created.engine.status, thread: created.thread, ...(created.threadReason ? { threadReason: created.threadReason } : {}) };
  }

  private alive(): void {
    if (this.disposed) throw this.report(new EngineError('engine', 'the engine was disposed'));
  }

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.lock.then(job, job);
    this.lock = run.catch(() => undefined);
    return run;
  }

  async analyse(input: EngineInput, options: AnalyseOptions = {}): Promise<EmotionResult> {
    const kind: AnalysisKind = options.kind ?? DEFAULT_ANALYSE_OPTIONS.kind;
    const track = options.track ?? DEFAULT_ANALYSE_OPTIONS.track;
    const time = options.time ?? this.deps.now();
    let analysis = await this.analyseAs(input, kind);
    // A photo with no face found, read whole on request (the image, copied again: the first copy is gone).
    if (kind === 'photo' && analysis.count === 0 && (options.wholeIfNoFace ?? DEFAULT_ANALYSE_OPTIONS.wholeIfNoFace)) analysis = await this.analyseAs(input, 'whole');
    return this.result(analysis, track, time);
  }

  private async analyseAs(input: EngineInput, kind: AnalysisKind): Promise<Analysis> {
    for (let attempt = 0; ; attempt++) {
      this.alive();
      const created = await this.current.catch((err: unknown) => {
        throw this.report(asEngineError(err));
      });
      // A VideoFrame goes as it is (a clone: the caller keeps theirs), so the engine reads a camera
      // frame by copy instead of through a bitmap (frameReader.ts); anything else becomes a bitmap.
      let image: ImageBitmap | VideoFrame;
      try {
        image = isVideoFrame(input) ? input.clone() : await this.deps.toBitmap(input);
      } catch (err) {
        throw this.report(new EngineError('input', `the image could not be read (${errorMessage(err)})`));
      }
      try {
        return await created.engine.analyse(image, kind);
      } catch (err) {
        // The engine was swapped (switchBackend) while this image was on the old one: once more on the new one.
        if (attempt === 0 && !this.disposed && this.running !== created) continue;
        throw this.report(asEngineError(err));
      }
    }
  }

  async explain(input: EngineInput, face: Pick<EmotionFace, 'crop' | 'top'> & { roll?: number }, emotion?: Emotion): Promise<EmotionExplanation> {
    const target = EMOTIONS.indexOf(emotion ?? face.top.emotion);
    for (let attempt = 0; ; attempt++) {
      this.alive();
      const created = await this.current.catch((err: unknown) => {
        throw this.report(asEngineError(err));
      });
      let bitmap: ImageBitmap;
      try {
        bitmap = await this.deps.toBitmap(input);
      } catch (err) {
        throw this.report(new EngineError('input', `the image could not be read (${errorMessage(err)})`));
      }
      try {
        const map = await created.engine.explain(bitmap, face.crop, face.roll, target);
        return { emotion: EMOTIONS[map.target] as Emotion, probability: map.probability, method: map.method, cells: map.cells, values: Array.from(map.values), crop: { ...map.crop }, ms: map.ms };
      } catch (err) {
        if (attempt === 0 && !this.disposed && this.running !== created) continue;
        throw this.report(asEngineError(err));
      }
    }
  }

  private result(analysis: Analysis, track: boolean, time: number): EmotionResult {
    const frame = toFrameResult(analysis, time);
    // A scene cut (read from the frame's thumbnail) or a jump no face makes starts a new identity.
    const faces = track ? trackedFaces(this.tracker.update(frame.faces, time, frame.thumb)) : frame.faces;
    return {
      format: RESULT_FORMAT,
      width: frame.width,
      height: frame.height,
      faces: faces.map(publicFace),
      time,
      model: frame.model,
      backend: frame.backend,
      timings: { ...frame.timings },
      padded: frame.padded === true,
      whole: frame.whole === true,
    };
  }

  switchBackend(backend: BackendName): Promise<EmotionEngineStatus> {
    return this.exclusive(async () => {
      this.alive();
      const old = await this.current.catch(() => null);
      if (old && old.engine.status.backend === backend) return this.status;
      if (backend === 'webgpu' && this.support && !this.support.webgpu) this.support = { ...this.support, ...(await this.deps.probe(backend).catch(() => undefined)) };
      if (!old || old.thread === 'page') return this.switchOnPage(old, backend);
      let next: CreatedEngine;
      try {
        next = await this.open(backend);
      } catch (err) {
        throw this.report(asEngineError(err, 'backend')); // the old engine stays
      }
      if (this.disposed) {
        await next.engine.dispose();
        throw new EngineError('engine', 'the engine was disposed');
      }
      this.install(next);
      await old.engine.dispose();
      this.events.emit('status', this.status);
      return this.status;
    });
  }

  /** The page's thread holds one TF.js backend: release the old engine, start the new one (or the old backend again if it fails). */
  private async switchOnPage(old: CreatedEngine | null, backend: BackendName): Promise<EmotionEngineStatus> {
    const outcome: { failure: EngineError | null } = { failure: null };
    const previous = old?.engine.status.backend ?? this.status.backend;
    const next = (async () => {
      await old?.engine.dispose();
      try {
        return await this.open(backend);
      } catch (err) {
        outcome.failure = asEngineError(err, 'backend');
        return this.open(previous);
      }
    })();
    this.running = null;
    this.current = next;
    next.catch(() => undefined); // analyses waiting on it report it; nothing is left unhandled
    let created: CreatedEngine;
    try {
      created = await next;
    } catch (err) {
      // Neither backend starts: every call rejects from now on, and the status says why.
      const failure = this.report(asEngineError(err));
      this.broken(failure);
      throw failure;
    }
    if (this.disposed) {
      await created.engine.dispose();
      throw new EngineError('engine', 'the engine was disposed');
    }
    this.install(created);
    if (outcome.failure) throw this.report(outcome.failure);
    this.events.emit('status', this.status);
    return this.status;
  }

  setModel(modelUrl: string | URL): Promise<EmotionEngineStatus> {
    return this.exclusive(async () => {
      this.alive();
      const created = await this.current.catch((err: unknown) => {
        throw this.report(asEngineError(err));
      });
      const url = absoluteUrl(modelUrl);
      try {
        await created.engine.setModel(url, modelIdOf(url), (p) => this.events.emit('progress', p));
      } catch (err) {
        throw this.report(asEngineError(err, 'model')); // the old model stays
      }
      this.modelUrl = url;
      this.lastStatus = this.statusOf(created);
      this.events.emit('status', this.status);
      return this.status;
    });
  }

  resetTracking(): void {
    this.tracker.reset();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const running = this.running;
    this.running = null;
    this.current = Promise.reject(new EngineError('engine', 'the engine was disposed'));
    this.current.catch(() => undefined);
    await running?.engine.dispose();
  }
}

/** createEngine with the browser swapped for fakes (tests). */
export async function createEngineWith(options: EngineOptions, deps: LibraryDeps): Promise<EmotionEngine> {
  const engine = new LibraryEngine(resolveOptions(options), deps);
  await engine.start();
  return engine;
}

/**
 * Load an emotion engine: the TF.js backend, the emotion model (downloaded with progress, cached,
 * SHA-256 checked) and the face detector, in parallel, then the warm-up. Resolves once it can
 * analyse; rejects with an EngineError whose `part` says what failed ('backend', 'model',
 * 'detector', 'engine'). Options: EngineOptions, defaults DEFAULT_ENGINE_OPTIONS.
 */
export function createEngine(options: EngineOptions): Promise<EmotionEngine> {
  return createEngineWith(options, browserLibraryDeps);
}
