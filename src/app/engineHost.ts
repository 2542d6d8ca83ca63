/**
 * The page's side of the engine: it creates the engine (in a worker where it can), keeps its
 * readiness as state (loading | ready | failed, with the error), runs backend and model switches one
 * at a time behind a single lock, and hands analyses to whichever engine is current. One instance,
 * made by main.tsx and passed down; no module state.
 *
 * - Readiness: `ready()` waits while loading and rejects at once, with the error the user sees, when
 *   the engine failed; a photo dropped on a broken engine shows that error, never a spinner.
 * - Backend switch: the new engine is created and warmed while the old one keeps analysing; then
 *   they swap and the old one is disposed, so the overlay never freezes. (On the page's thread two
 *   TF.js backends cannot coexist: there the old engine is released first.)
 * - Default backend (backendChoice.ts): the user's pick if any; otherwise the app starts on
 *   WebAssembly (no shaders to compile: the first result in about a second), warms each GPU backend
 *   in a second worker in turn, measures it against the running one on the same crops, and hands
 *   over when it is clearly faster, without a gap (the same swap as a backend switch). A choice is
 *   remembered only once every measurement of the round succeeded: one transient failure never
 *   pins a backend for good.
 * - Provenance: results and the model picker name the model and backend that actually ran.
 */
import { mark } from './marks';
import {
  type Analysis,
  type AnalysisKind,
  BACKEND_LABEL,
  type BackendName,
  type BackendSupportMap,
  type BenchmarkResult,
  type CreatedEngine,
  type EngineApi,
  type EngineConfig,
  engineAssets,
  EngineError,
  type EngineMemory,
  type EngineProgress,
  errorMessage,
  type Explanation,
  isVideoFrame,
  fetchJsonCached,
  type FrameResult,
  modelName,
  openCache,
  probeBackends,
  startEngine,
  toFrameResult,
  workerSupport,
} from '../engine';
import { AppException, type AppError, errors } from '../state/errors';
import type { ModelEntry, Store } from '../state/store';
import { type Candidate, handOverVerdict, startingBackend } from './backendChoice';

export interface EngineHostOptions {
  /** The app's base URL ('/' or a sub-path). */
  base: string;
  /** false: run the engine on the page (tests of the fallback; browsers without workers). */
  preferWorker?: boolean;
  /** Create an engine (tests swap in fakes). */
  create?: typeof startEngine;
  /** Probe the browser's backends (tests swap in fakes). */
  probe?: () => Promise<BackendSupportMap>;
  /** Fetch the model list (tests swap in fakes). */
  fetchModels?: () => Promise<ModelEntry[]>;
  /** Can a second engine on `backend` run beside the first (in its own worker)? Tests swap it. */
  canRunBeside?: (backend: BackendName) => boolean;
  /** false: a picked GPU backend runs from the start, without WebAssembly serving until it is warm
   *  (how e2e tests and the bench pin a backend). Default true. */
  bridgeChoice?: boolean;
  /** When the second engine may start warming; default: once a first result was shown, or after
   *  WARM_BESIDE_AFTER_MS if none comes (on two cores the warm-up would otherwise slow that first
   *  result). Tests make it immediate. */
  warmBesideWhen?: (firstResult: Promise<void>) => Promise<void>;
}

/** How long the second engine waits for a first result before it starts warming anyway. */
export const WARM_BESIDE_AFTER_MS = 5000;

const firstResultOrTimeout = (firstResult: Promise<void>) => Promise.race([firstResult, new Promise<void>((resolve) => setTimeout(resolve, WARM_BESIDE_AFTER_MS))]);

export { handOverVerdict, startingBackend } from './backendChoice';

function failureNotice(err: unknown): AppError {
  if (err instanceof AppException) return err.error;
  const message = errorMessage(err);
  if (err instanceof EngineError) {
    if (err.part === 'model') return errors.modelLoad(message);
    if (err.part === 'detector') return errors.detectorLoad(message);
  }
  return errors.engineFailed(message);
}

async function defaultModels(base: string): Promise<ModelEntry[]> {
  let models: unknown;
  try {
    models = await fetchJsonCached(new URL(`${base}models/index.json`, location.href).toString(), await openCache());
  } catch (err) {
    throw new AppException(errors.modelLoad(`the model list could not be loaded (${errorMessage(err)})`));
  }
  if (!Array.isArray(models) || models.length === 0) throw new AppException(errors.modelLoad('no model is installed under models/'));
  return models as ModelEntry[];
}

export class EngineHost {
  private current: CreatedEngine | null = null;
  private waiters: { resolve(e: EngineApi): void; reject(e: unknown): void }[] = [];
  private lock: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly create: typeof startEngine;
  /** Resolved by the first analysis that succeeds (the moment the user has a result). */
  private firstResult!: Promise<void>;
  private firstResultSeen: () => void = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly options: EngineHostOptions,
  ) {
    this.create = options.create ?? startEngine;
  }

  private get s() {
    return this.store.getState();
  }

  /** Serialise backend/model changes: one at a time, in order. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.lock.then(job, job);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** The current engine, once ready; rejects with the failure when the engine failed. */
  ready(): Promise<EngineApi> {
    const { engine } = this.s;
    if (engine.phase === 'ready' && this.current) return Promise.resolve(this.current.engine);
    if (engine.phase === 'failed') return Promise.reject(new AppException(engine.error ?? errors.engineFailed('unknown error')));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private settle(): void {
    const waiters = this.waiters;
    this.waiters = [];
    const { engine } = this.s;
    for (const w of waiters) {
      if (engine.phase === 'ready' && this.current) w.resolve(this.current.engine);
      else w.reject(new AppException(engine.error ?? errors.engineFailed('unknown error')));
    }
  }

  private fail(err: unknown): void {
    const notice = failureNotice(err);
    this.s.setEngine({ phase: 'failed', error: notice });
    if (notice.code === 'model-load') this.s.setModelStatus({ phase: 'error' });
    this.s.report(notice);
    this.settle();
  }

  private progress = (p: EngineProgress): void => {
    const s = this.s;
    if (p.stage === 'model') s.setModelStatus({ phase: 'loading', loaded: p.loaded, total: p.total, fromCache: p.fromCache });
    else if (p.stage === 'detector') s.setDetectorReady(p.done);
    else if (p.stage === 'warming') s.setModelStatus({ phase: 'warming' });
  };

  private config(backend: BackendName, model: ModelEntry): EngineConfig {
    const page = globalThis.location?.href ?? 'http://localhost/';
    return {
      backend,
      ...(this.s.support ? { support: this.s.support } : {}),
      modelUrl: new URL(`${this.options.base}${model.url}`, page).toString(),
      // The app serves the engine's files at its own base (public/ and models/: engine/assets.ts).
      ...engineAssets(this.options.base, page),
      // Without TF.js's WebAssembly binary the app still runs, on WebGL, and says which file was missing.
      wasmBinaryMissing: 'fall back',
      modelId: model.id,
      warmupFrame: [720, 1280],
    };
  }

  private install(next: CreatedEngine, reason: string): void {
    mark('engine-ready', { backend: next.engine.status.backend, loadMs: next.engine.status.loadMs, warmupMs: next.engine.status.warmupMs });
    this.current = next;
    const status = next.engine.status;
    const s = this.s;
    s.setBackendActive(status.backend);
    s.setModelActive(status.modelId);
    s.setModelId(status.modelId);
    s.setModelStatus({ phase: 'ready', warmupMs: status.warmupMs, fromCache: status.modelFromCache });
    s.setDetectorReady(true);
    s.setReadyMs(status.backend, status.loadMs);
    s.setEngine({
      phase: 'ready',
      thread: next.thread,
      ...(next.threadReason ? { threadReason: next.threadReason } : { threadReason: undefined }),
      backendReason: reason,
    });
    if (status.fallback) {
      s.report(errors.backendMissing(`${BACKEND_LABEL[status.fallback.from]} is not available (${status.fallback.reason}); running on ${BACKEND_LABEL[status.backend]} instead.`));
    } else s.dismiss('backend-missing');
    this.settle();
  }

  /** Probe, load the model list, create the first engine; then measure the backends if needed. */
  start(): Promise<void> {
    return this.exclusive(() => this.boot());
  }

  private async boot(): Promise<void> {
    const s = this.s;
    this.firstResult = new Promise((resolve) => (this.firstResultSeen = resolve));
    s.setEngine({ phase: 'loading' });
    mark('engine-start');
    let models: ModelEntry[];
    let support: BackendSupportMap;
    try {
      [support, models] = await Promise.all([(this.options.probe ?? probeBackends)(), (this.options.fetchModels ?? (() => defaultModels(this.options.base)))()]);
    } catch (err) {
      return this.fail(err);
    }
    mark('engine-probed');
    s.setSupport(support);
    s.setModels(models);
    const model = models.find((m) => m.id === s.modelId) ?? models[0]!;
    s.setModelId(model.id);
    const beside = this.options.canRunBeside ?? ((b: BackendName) => this.options.preferWorker !== false && workerSupport(b).ok);
    const choice = startingBackend(support, s.backendWanted, s.measured, beside('webgl') || beside('webgpu'), this.options.bridgeChoice ?? true);
    s.setEngine({ startingOn: choice.backend });
    try {
      this.install(await this.create(this.config(choice.backend, model), this.progress, this.createOptions()), choice.reason);
    } catch (err) {
      return this.fail(err);
    }
    if (choice.candidates.length) {
      const wanted = s.backendWanted;
      void (this.options.warmBesideWhen ?? firstResultOrTimeout)(this.firstResult).then(() =>
        this.handOver(
          choice.candidates.filter((c) => beside(c.backend)),
          wanted,
        ),
      );
    }
  }

  private createOptions() {
    return this.options.preferWorker === undefined ? {} : { preferWorker: this.options.preferWorker };
  }

  /**
   * Warm each candidate in a second engine while the running one keeps analysing; a candidate that
   * measured clearly faster (or was remembered so) takes over, the other is disposed. The warm-up
   * runs outside the lock, so a backend or model the user picks meanwhile is not kept waiting
   * behind it (SwiftShader's WebGPU takes minutes here); only the measurement and the swap take the
   * lock. The round's outcome is remembered only when every measurement succeeded.
   */
  private async handOver(candidates: Candidate[], wanted: BackendName | null): Promise<void> {
    let complete = true;
    const notes: string[] = [];
    for (const candidate of candidates) {
      const outcome = await this.tryCandidate(candidate, notes, wanted);
      if (outcome === 'stopped') return;
      if (outcome === 'failed') complete = false;
    }
    const running = this.current?.engine.status.backend;
    // Only the app's own measurement is remembered (a user's pick is remembered as the pick).
    if (complete && running && wanted === null && !this.handOverStopped(null)) {
      this.s.setMeasured({ backend: running, reason: this.s.engine.backendReason ?? 'measured on this device' });
    }
  }

  /** The user picked another backend, the engine failed or restarts, or the host is gone: no more hand-over. */
  private handOverStopped(wanted: BackendName | null): boolean {
    return this.disposed || !this.current || this.s.backendWanted !== wanted || this.s.engine.phase !== 'ready';
  }

  /** One candidate's turn; `notes` gathers, across the round, why the ones that did not take over did not. */
  private async tryCandidate({ backend, trusted, reason: trustedReason }: Candidate, notes: string[], wanted: BackendName | null): Promise<'done' | 'failed' | 'stopped'> {
    const first = this.current;
    if (this.handOverStopped(wanted) || !first || first.thread === 'page') return 'stopped';
    if (first.engine.status.backend === backend) return 'done';
    const model = this.s.models.find((m) => m.id === first.engine.status.modelId);
    if (!model) return 'stopped';
    const s = this.s;
    s.setWarming({ backend, measured: !trusted });
    let other: CreatedEngine | null = null;
    try {
      other = await this.create(this.config(backend, model), () => undefined, this.createOptions());
      if (other.engine.status.backend !== backend) throw new Error(`it fell back to ${BACKEND_LABEL[other.engine.status.backend]}`);
      const warmed = other;
      return await this.exclusive(async () => {
        // Anything that changed the running engine while this one warmed (a switch, a model, a failure) ends the round.
        if (this.handOverStopped(wanted) || this.current?.engine.status.modelId !== warmed.engine.status.modelId) return 'stopped';
        const running = this.current;
        let reason = trustedReason ?? 'measured faster on this device earlier';
        if (!trusted) {
          // The running engine first, the candidate after: each measured with nothing else on its thread.
          const mine = await running.engine.benchmark();
          const theirs = await warmed.engine.benchmark();
          // Kept, so a backend measured slower says so when the user picks it later.
          s.setSpeedMs({ [mine.backend]: mine.oneFaceMs + mine.fourFacesMs, [theirs.backend]: theirs.oneFaceMs + theirs.fourFacesMs });
          if (this.handOverStopped(wanted) || this.current !== running) return 'stopped';
          const verdict = handOverVerdict(mine, theirs);
          if (!verdict.takeOver) {
            notes.push(verdict.reason);
            s.setEngine({ backendReason: `${notes.join('; ')}; ${BACKEND_LABEL[mine.backend]} stays` });
            return 'done';
          }
          notes.length = 0; // the reasons were against the engine that is now replaced
          reason = verdict.reason;
        }
        s.setWarming(null); // it runs now: not "warming beside" itself
        this.install(warmed, reason);
        other = null;
        await running.engine.dispose();
        return 'done';
      });
    } catch (err) {
      if (this.handOverStopped(wanted)) return 'stopped';
      if (wanted === backend) s.report(errors.backendSwitch(BACKEND_LABEL[backend], errorMessage(err)));
      notes.push(`${BACKEND_LABEL[backend]} could not be prepared on this device (${errorMessage(err)})`);
      s.setEngine({ backendReason: `${notes.join('; ')}; ${BACKEND_LABEL[(this.current as CreatedEngine).engine.status.backend]} stays` });
      return 'failed';
    } finally {
      s.setWarming(null);
      await other?.engine.dispose();
    }
  }

  /**
   * Analyse one image on the current engine; the result names the model and backend that ran.
   *
   * `source` stays the caller's: each attempt sends the engine its own copy (the engine takes
   * ownership of the bitmap it is given, and a worker's copy is gone once transferred). Work that
   * was in flight when the engine was swapped (a backend switch disposes the old engine, which
   * rejects what it still holds) is tried once more on the new engine. This is the app's one retry
   * path: callers (photos, batches, video files, the camera) have none of their own.
   * `onPartial`: a photo's first result, the faces of the whole photo, before its tiles are searched
   * (engine.ts); the result then keeps those faces as they are and adds the tiles' after them.
   */
  async analyse(source: ImageBitmapSource | VideoFrame, kind: AnalysisKind, time = performance.now(), onPartial?: (first: FrameResult) => void): Promise<FrameResult> {
    for (let attempt = 0; ; attempt++) {
      const engine = await this.ready();
      // A camera's VideoFrame goes as a clone (a new handle on the same pixels, no copy): the
      // engine reads it into its own buffer; anything else as a bitmap of it.
      const image = isVideoFrame(source) ? source.clone() : await createImageBitmap(source);
      try {
        const partial = onPartial && ((a: Analysis) => onPartial(toFrameResult(a, time)));
        const result = toFrameResult(await engine.analyse(image, kind, partial), time);
        this.firstResultSeen();
        return result;
      } catch (err) {
        if (this.current?.engine === engine) throw new AppException(failureNotice(err));
        // The engine was swapped while this image was on the old one: once more on the new one.
        if (attempt === 0) continue;
        throw new AppException(errors.engineBusy());
      }
    }
  }

  /**
   * Why the model said what it did for one face of `source` (its crop and roll as the analysis
   * gave them): the running engine's occlusion map. The same one retry as analyse(), for a map
   * asked for while the backend was being switched.
   */
  async explain(source: ImageBitmapSource, crop: { x: number; y: number; width: number; height: number }, roll?: number, target?: number): Promise<Explanation> {
    for (let attempt = 0; ; attempt++) {
      const engine = await this.ready();
      const image = await createImageBitmap(source);
      try {
        return await engine.explain(image, crop, roll, target);
      } catch (err) {
        if (this.current?.engine === engine) throw new AppException(failureNotice(err));
        if (attempt === 0) continue;
        throw new AppException(errors.engineBusy());
      }
    }
  }

  /**
   * Prepare the running engine (once it is ready) for a first analysis of `kind` while the user
   * picks one (engine.prepare): a photo's first analysis then starts warm. Never fails.
   */
  async prepare(kind: 'photo'): Promise<void> {
    try {
      await (await this.ready()).prepare(kind);
    } catch {
      /* a head start only */
    }
  }

  /** Switch backend: the old engine keeps analysing until the new one is warm. */
  switchBackend(wanted: BackendName): Promise<void> {
    this.s.setBackendWanted(wanted);
    return this.exclusive(async () => {
      const s = this.s;
      if (!this.current || s.backendActive === wanted) {
        if (s.engine.phase === 'failed') return this.restart();
        return;
      }
      const model = s.models.find((m) => m.id === s.modelActive);
      if (!model) return;
      s.setBackendSwitching(true);
      const old = this.current;
      try {
        if (old.thread === 'page') {
          this.current = null;
          s.setEngine({ phase: 'loading' });
          await old.engine.dispose();
        }
        const next = await this.create(this.config(wanted, model), this.progress, this.createOptions());
        this.install(next, 'your choice');
        if (old.thread !== 'page') await old.engine.dispose();
      } catch (err) {
        if (old.thread === 'page') return this.fail(err);
        s.report(errors.backendSwitch(BACKEND_LABEL[wanted], errorMessage(err)));
        s.setBackendActive(old.engine.status.backend);
        s.setBackendWanted(old.engine.status.backend); // the choice that stands is the one that runs
      } finally {
        s.setBackendSwitching(false);
      }
    });
  }

  /** Switch model: downloaded and warmed beside the running one; on failure the old one stays. */
  switchModel(id: string): Promise<void> {
    const s = this.s;
    const entry = s.models.find((m) => m.id === id);
    if (!entry) return Promise.resolve();
    s.setModelId(id);
    return this.exclusive(async () => {
      if (!this.current) return this.restart();
      if (this.current.engine.status.modelId === id) return;
      try {
        const status = await this.current.engine.setModel(this.config(this.s.backendActive ?? 'webgl', entry).modelUrl, id, this.progress);
        this.s.setModelActive(status.modelId);
        this.s.setModelStatus({ phase: 'ready', warmupMs: status.warmupMs, fromCache: status.modelFromCache });
        this.s.dismiss('model-load');
      } catch (err) {
        const running = this.current.engine.status.modelId;
        this.s.report(errors.modelLoad(`${errorMessage(err)}. Still using ${modelName(this.s.models, running)}.`));
        this.s.setModelId(running); // the picker names the model that runs
        this.s.setModelStatus({ phase: 'ready' });
      }
    });
  }

  /** After a failure: try again from the start (the Retry button). */
  retry(): Promise<void> {
    return this.exclusive(() => this.restart());
  }

  private async restart(): Promise<void> {
    const old = this.current;
    this.current = null;
    await old?.engine.dispose();
    this.s.clearNotices(['model-load', 'detector-load', 'engine-failed']);
    await this.boot();
  }

  /** The running engine's classifier time on 1 and 4 crops (the hand-over's measure), for the bench. */
  async benchmark(): Promise<BenchmarkResult | null> {
    const engine = this.s.engine.phase === 'ready' ? this.current?.engine : undefined;
    return engine ? this.exclusive(() => engine.benchmark()) : null;
  }

  /** Tensor count and engine thread, for the stats panel and tests. */
  async memory(): Promise<EngineMemory | null> {
    if (!this.current || this.s.engine.phase !== 'ready') return null;
    try {
      return await this.current.engine.memory();
    } catch {
      return null;
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const old = this.current;
    this.current = null;
    this.s.setEngine({ phase: 'failed', error: errors.engineFailed('the engine was shut down') });
    this.settle();
    await old?.engine.dispose();
  }
}
