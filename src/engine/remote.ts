/**
 * Where the engine runs. `startEngine` prefers a dedicated module Web Worker (RemoteEngine, a
 * proxy that speaks protocol.ts) and falls back to the page's own thread (Engine itself) where the
 * browser cannot run the engine in a worker: no OffscreenCanvas, no WebGL2 there, or a worker that
 * fails to start. The caller learns which, and why.
 */
import type { BackendName } from './backendSupport';
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
} from './api';
import { loadFailure } from './assetCheck';
import type { EngineReply, EngineRequest } from './worker/protocol';

/**
 * The engine on the page's own thread, loaded only where it runs there (it brings TF.js and
 * MediaPipe). The app's build has it as a chunk of its own (import('./engine')). The library
 * ships it instead as one self-contained file among the engine's files (EngineConfig.pageEngineUrl,
 * `<assets>/page-engine.js`) and imports it from there: a page whose browser runs the worker never
 * loads it, and a user's bundler never sees it, so their build gets no 1.6 MB chunk and no
 * "chunks larger than 500 kB" warning. vite.lib.config.ts sets import.meta.env.RESEMOTE_LIBRARY,
 * and the bundler drops the branch that is not taken, with its chunk.
 */
async function createOnPage(config: EngineConfig, onProgress: (p: EngineProgress) => void): Promise<EngineApi> {
  const { Engine } = import.meta.env.RESEMOTE_LIBRARY ? await importPageEngine(config.pageEngineUrl) : await import('./engine');
  return Engine.create(config, onProgress);
}

type PageEngine = { Engine: { create(config: EngineConfig, onProgress: (p: EngineProgress) => void): Promise<EngineApi> } };

async function importPageEngine(url: string | undefined): Promise<PageEngine> {
  if (!url) throw new EngineError('engine', 'no location was given for the page-thread engine (pageEngineUrl: see engine/assets.ts)');
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as PageEngine;
  } catch (err) {
    throw new EngineError('engine', (await loadFailure('the page-thread engine', url, 'script', err)).message, url);
  }
}

type Pending = { resolve(v: unknown): void; reject(e: unknown): void; progress?: (p: EngineProgress) => void; partial?: (a: Analysis) => void };
type RequestBody = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class RemoteEngine implements EngineApi {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: EngineError | null = null;

  private constructor(
    private readonly worker: Worker,
    public status: EngineStatus,
  ) {}

  /** `onFailure`: told once when the worker stops or garbles a message (every call waiting is rejected too). */
  static async create(config: EngineConfig, onProgress: (p: EngineProgress) => void, makeWorker: () => Worker = defaultWorker, onFailure?: (err: EngineError) => void): Promise<RemoteEngine> {
    const worker = makeWorker();
    const engine = new RemoteEngine(worker, undefined as unknown as EngineStatus);
    const broken = (err: EngineError) => {
      const first = !engine.dead;
      engine.fail(err);
      if (first) onFailure?.(err);
    };
    worker.onmessage = (e: MessageEvent<EngineReply>) => engine.receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      broken(new EngineError('engine', `the engine worker stopped (${e.message || 'it could not be loaded'})`));
    };
    worker.onmessageerror = () => broken(new EngineError('engine', 'a message from the engine worker could not be read'));
    try {
      engine.status = (await engine.call({ op: 'create', config }, [], onProgress)) as EngineStatus;
    } catch (err) {
      worker.terminate();
      throw err;
    }
    return engine;
  }

  private receive(reply: EngineReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if (reply.kind === 'progress') return p.progress?.(reply.progress);
    if (reply.kind === 'partial') return p.partial?.(reply.value);
    this.pending.delete(reply.id);
    if (reply.kind === 'ok') p.resolve(reply.value);
    else p.reject(new EngineError(reply.part, reply.message, reply.url));
  }

  private fail(err: EngineError): void {
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private call(body: RequestBody, transfer: Transferable[] = [], progress?: (p: EngineProgress) => void, partial?: (a: Analysis) => void): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(progress ? { progress } : {}), ...(partial ? { partial } : {}) });
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }

  analyse(image: ImageBitmap | VideoFrame, kind: AnalysisKind, onPartial?: (first: Analysis) => void): Promise<Analysis> {
    if (this.dead) {
      image.close();
      return Promise.reject(this.dead);
    }
    return this.call({ op: 'analyse', image, kind, ...(onPartial ? { partial: true } : {}) }, [image], undefined, onPartial) as Promise<Analysis>;
  }

  async setModel(url: string, modelId: string, onProgress?: (p: EngineProgress) => void): Promise<EngineStatus> {
    this.status = (await this.call({ op: 'setModel', url, modelId }, [], onProgress)) as EngineStatus;
    return this.status;
  }

  explain(image: ImageBitmap, crop: { x: number; y: number; width: number; height: number }, roll?: number, target?: number): Promise<Explanation> {
    if (this.dead) {
      image.close();
      return Promise.reject(this.dead);
    }
    return this.call({ op: 'explain', image, crop, ...(roll ? { roll } : {}), ...(target !== undefined ? { target } : {}) }, [image]) as Promise<Explanation>;
  }

  async prepare(kind: 'photo'): Promise<void> {
    await this.call({ op: 'prepare', kind }).catch(() => undefined);
  }

  benchmark(runs = 7): Promise<BenchmarkResult> {
    return this.call({ op: 'benchmark', runs }) as Promise<BenchmarkResult>;
  }

  memory(): Promise<EngineMemory> {
    return this.call({ op: 'memory' }) as Promise<EngineMemory>;
  }

  async dispose(): Promise<void> {
    try {
      if (!this.dead) await Promise.race([this.call({ op: 'dispose' }), new Promise((r) => setTimeout(r, 2000))]);
    } catch {
      /* the worker is going away anyway */
    } finally {
      this.fail(new EngineError('engine', 'the engine was disposed'));
      this.worker.terminate();
    }
  }
}

function defaultWorker(): Worker {
  return new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'resemote-engine' });
}

export type EngineThread = 'worker' | 'page';

/** Can this browser run the engine, on `backend`, in a worker? A reason when it cannot. */
export function workerSupport(backend: BackendName, env: { Worker?: unknown; OffscreenCanvas?: unknown } = globalThis): { ok: true } | { ok: false; reason: string } {
  if (typeof env.Worker !== 'function') return { ok: false, reason: 'this browser has no Web Workers' };
  if (typeof env.OffscreenCanvas !== 'function') return { ok: false, reason: 'this browser has no OffscreenCanvas, which the engine needs off the page' };
  if (backend === 'webgl') {
    try {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
      if (!gl) return { ok: false, reason: 'WebGL 2 is not available off the page (OffscreenCanvas)' };
      (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    } catch {
      return { ok: false, reason: 'WebGL 2 is not available off the page (OffscreenCanvas)' };
    }
  }
  return { ok: true };
}

export interface CreatedEngine {
  engine: EngineApi;
  thread: EngineThread;
  /** Why the engine runs on the page, when it does. */
  threadReason?: string;
}

export interface StartOptions {
  /** false: the page's own thread, even where a worker could run it. Default true. */
  preferWorker?: boolean;
  /** Make the worker (tests). Default: engine.worker.ts as a module worker. */
  makeWorker?: () => Worker;
  /** Told once if the worker stops later (a crash, lost memory): every call then rejects. */
  onFailure?: (err: EngineError) => void;
}

/**
 * Create an engine in a worker where the browser can, on the page otherwise. A worker that fails to
 * start or cannot bring up its backend (while the page could) falls back to the page, once.
 */
export async function startEngine(config: EngineConfig, onProgress: (p: EngineProgress) => void, options: StartOptions = {}): Promise<CreatedEngine> {
  const support = options.preferWorker === false ? { ok: false as const, reason: 'the page asked for the same-thread engine' } : workerSupport(config.backend);
  if (support.ok) {
    try {
      return { engine: await RemoteEngine.create(config, onProgress, options.makeWorker, options.onFailure), thread: 'worker' };
    } catch (err) {
      // A missing model or detector, or any missing file, fails the same way on the page: report it, do not retry there.
      if (!(err instanceof EngineError) || err.part === 'model' || err.part === 'detector' || err.url !== undefined) throw err;
      const engine = await createOnPage(config, onProgress);
      return { engine, thread: 'page', threadReason: `the worker could not run it (${err.message})` };
    }
  }
  return { engine: await createOnPage(config, onProgress), thread: 'page', threadReason: support.reason };
}
