import { beforeEach, describe, expect, it } from 'vitest';
import type { BackendName, BackendSupportMap } from '../engine/backendSupport';
import { type Analysis, type EngineApi, type EngineConfig, EngineError, type EngineStatus } from '../engine/api';
import { AppException } from '../state/errors';
import type { CreatedEngine } from '../engine/remote';
import { resetStore, useStore, type ModelEntry } from '../state/store';
import { EngineHost } from './engineHost';

const BOTH: BackendSupportMap = { wasm: { available: true }, webgpu: { available: true }, webgl: { available: true } };
const GL_ONLY: BackendSupportMap = { wasm: { available: true }, webgpu: { available: false, reason: 'none' }, webgl: { available: true } };
const MODELS = [
  { id: 'a', name: 'Model A', url: 'models/a/model.json', bytes: 1, variant: 'v', parameters: 1, quantization: 'none' },
  { id: 'b', name: 'Model B', url: 'models/b/model.json', bytes: 1, variant: 'v', parameters: 1, quantization: 'none' },
] as ModelEntry[];

const bitmap = () => ({ width: 4, height: 4, close() {} }) as unknown as ImageBitmap;
// The host sends the engine a copy of the caller's image per attempt.
Object.assign(globalThis, { createImageBitmap: async () => bitmap() });

class FakeEngine implements EngineApi {
  disposed = false;
  analyses = 0;
  /** When set, analyses wait until the engine is disposed, then reject (as RemoteEngine's do). */
  hold = false;
  private held: (() => void)[] = [];
  constructor(public status: EngineStatus) {}
  async analyse(image: ImageBitmap): Promise<Analysis> {
    image.close();
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.disposed) throw new EngineError('engine', 'disposed');
    this.analyses++;
    return {
      kind: 'frame',
      width: 4,
      height: 4,
      count: 0,
      boxes: new Float32Array(),
      crops: new Float32Array(),
      scores: new Float32Array(),
      probs: new Float32Array(),
      timings: { detectMs: 0, classifyMs: 0, totalMs: 0 },
      backend: this.status.backend,
      model: this.status.modelId,
      tensors: 0,
    };
  }
  async explain(image: ImageBitmap, crop: { x: number; y: number; width: number; height: number }) {
    image.close();
    if (this.disposed) throw new EngineError('engine', 'disposed');
    return { method: 'occlusion' as const, target: 3, probability: 0.9, cells: 8, values: new Float32Array(64), crop, ms: 1 };
  }
  async setModel(_url: string, modelId: string) {
    if (modelId === 'b' && failModelB) throw new EngineError('model', 'HTTP 404 for models/b/model.json');
    this.status = { ...this.status, modelId };
    return this.status;
  }
  /** The kinds of analysis this engine was asked to prepare for. */
  readonly prepared: string[] = [];
  async prepare(kind: 'photo') {
    this.prepared.push(kind);
  }
  async benchmark() {
    return { backend: this.status.backend, oneFaceMs: speed[this.status.backend], fourFacesMs: 4 * speed[this.status.backend] };
  }
  async memory() {
    return { tensors: 0, bytes: 0, shaders: 0, frames: { copied: 0, bitmaps: 0 } };
  }
  async dispose() {
    this.disposed = true;
    for (const release of this.held.splice(0)) release();
  }
}
let failModelB = false;
/** ms per face each fake backend measures (a GPU faster than WebAssembly unless a test says not). */
let speed: Record<BackendName, number>;

/** A startEngine whose engines appear when the test says so. */
function controllable() {
  const calls: { config: EngineConfig; resolve(): void; reject(e: unknown): void; engine: FakeEngine }[] = [];
  const create = (config: EngineConfig): Promise<CreatedEngine> =>
    new Promise((resolve, reject) => {
      const engine = new FakeEngine({ backend: config.backend, modelId: config.modelId, model: { name: 'x', quantization: 'none', weightBytes: 1 }, loadMs: 1, warmupMs: 1, modelFromCache: false });
      calls.push({ config, engine, resolve: () => resolve({ engine, thread: 'worker' }), reject });
    });
  return { calls, create: create as never };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  resetStore();
  failModelB = false;
  speed = { wasm: 20, webgl: 10, webgpu: 5, cpu: 100 };
});

describe('EngineHost', () => {
  // A picked backend runs from the start (bridgeChoice false, as the e2e tests pin it) unless a test says otherwise.
  const host = (c: ReturnType<typeof controllable>, support = GL_ONLY, bridgeChoice = false) =>
    new EngineHost(useStore, {
      base: '/',
      create: c.create,
      probe: async () => support,
      fetchModels: async () => MODELS,
      canRunBeside: () => true,
      bridgeChoice,
      warmBesideWhen: async () => undefined,
    });

  /** A host whose first engine is up (on WebGL when both backends exist: the user's choice). */
  async function running(support: BackendSupportMap) {
    const c = controllable();
    const h = host(c, support);
    if (support === BOTH) useStore.getState().setBackendWanted('webgl');
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
    return { c, h };
  }

  it('a failed start makes every waiting and later analysis reject at once with the error', async () => {
    const c = controllable();
    const h = host(c);
    const started = h.start();
    await tick();
    const waiting = h.analyse(bitmap(), 'photo');
    c.calls[0]!.reject(new EngineError('detector', 'wasm 404'));
    await started;
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppException);
    expect((err as AppException).error.code).toBe('detector-load');
    expect(useStore.getState().engine.phase).toBe('failed');
    await expect(h.analyse(bitmap(), 'photo')).rejects.toBeInstanceOf(AppException);
    expect(useStore.getState().notices.map((n) => n.code)).toContain('detector-load');
  });

  it('waits while loading and analyses once ready, with provenance', async () => {
    const c = controllable();
    const h = host(c);
    const started = h.start();
    await tick();
    const pending = h.analyse(bitmap(), 'frame');
    c.calls[0]!.resolve();
    await started;
    expect(await pending).toMatchObject({ model: 'a', backend: 'wasm' }); // nothing chosen: WebAssembly first
  });

  it('prepares the engine for a photo once it is ready, when the Photo tab asks while it loads', async () => {
    const c = controllable();
    const h = host(c);
    const started = h.start();
    await tick();
    const preparing = h.prepare('photo');
    c.calls[0]!.resolve();
    await started;
    await preparing;
    expect(c.calls[0]!.engine.prepared).toEqual(['photo']);
  });

  it('a backend switch keeps the old engine analysing until the new one is ready, then disposes it', async () => {
    const { c, h } = await running(BOTH);
    const switching = h.switchBackend('webgpu');
    await tick();
    expect(useStore.getState().backendSwitching).toBe(true);
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('webgl'); // the old one still serves
    c.calls[1]!.resolve();
    await switching;
    expect(c.calls[0]!.engine.disposed).toBe(true);
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('webgpu');
    expect(useStore.getState()).toMatchObject({ backendActive: 'webgpu', backendSwitching: false, backendWanted: 'webgpu' });
  });

  it('work in flight when a backend switch disposes the old engine is tried once more on the new one', async () => {
    const { c, h } = await running(BOTH);
    c.calls[0]!.engine.hold = true; // this analysis is still on the old engine when it goes
    const inFlight = h.analyse(bitmap(), 'photo');
    const switching = h.switchBackend('webgpu');
    await tick();
    c.calls[1]!.resolve();
    await switching;
    expect(c.calls[0]!.engine.disposed).toBe(true);
    expect((await inFlight).backend).toBe('webgpu');
    expect(c.calls[1]!.engine.analyses).toBe(1);
  });

  it('a failure on the engine that is still current is not retried', async () => {
    const { c, h } = await running(GL_ONLY);
    let calls = 0;
    c.calls[0]!.engine.analyse = async () => {
      calls++;
      throw new EngineError('detector', 'face detection failed: boom');
    };
    const err = await h.analyse(bitmap(), 'photo').catch((e: unknown) => e);
    expect((err as AppException).error.code).toBe('detector-load');
    expect(calls).toBe(1);
  });

  it('switches run one at a time, in order', async () => {
    const { c, h } = await running(BOTH);
    const one = h.switchBackend('webgpu');
    const two = h.switchBackend('webgl');
    await tick();
    expect(c.calls).toHaveLength(2); // the second waits for the first
    c.calls[1]!.resolve();
    await one;
    await tick();
    expect(c.calls).toHaveLength(3);
    expect(c.calls[2]!.config.backend).toBe('webgl');
    c.calls[2]!.resolve();
    await two;
    expect(useStore.getState().backendActive).toBe('webgl');
  });

  it('a failed backend switch keeps the old engine and says so', async () => {
    const { c, h } = await running(BOTH);
    const switching = h.switchBackend('webgpu');
    await tick();
    c.calls[1]!.reject(new EngineError('backend', 'device lost'));
    await switching;
    expect(useStore.getState().backendActive).toBe('webgl');
    expect(useStore.getState().notices.map((n) => n.code)).toContain('backend-switch');
    expect(useStore.getState().backendWanted).toBe('webgl'); // the standing choice is the one that runs
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('webgl');
  });

  it('a failed model switch keeps the running model, and the picker names it', async () => {
    failModelB = true;
    useStore.getState().setBackendWanted('webgl'); // pinned: no GPU warm-up holds the lock
    const c = controllable();
    const h = host(c);
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
    await h.switchModel('b');
    const s = useStore.getState();
    expect(s.modelId).toBe('a');
    expect(s.modelActive).toBe('a');
    expect(s.notices.find((n) => n.code === 'model-load')?.message).toContain('Still using Model A');
    expect((await h.analyse(bitmap(), 'frame')).model).toBe('a');
  });

  /** Start with nothing chosen; resolve each engine as it is asked for; return the calls. */
  async function autoStart(c: ReturnType<typeof controllable>, support = BOTH) {
    const h = host(c, support);
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
    return h;
  }
  const settle = async () => {
    for (let i = 0; i < 10; i++) await tick();
  };

  it('starts on WebAssembly, then hands over to each GPU backend that measured faster, without a gap, and remembers the pick', async () => {
    const c = controllable();
    const h = await autoStart(c);
    expect(c.calls[0]!.config.backend).toBe('wasm');
    expect(useStore.getState()).toMatchObject({ backendActive: 'wasm', engine: { phase: 'ready' } });
    await tick();
    expect(c.calls[1]!.config.backend).toBe('webgl');
    expect(useStore.getState().warming).toEqual({ backend: 'webgl', measured: true });
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('wasm'); // the running one serves while the next warms
    c.calls[1]!.resolve();
    await settle();
    expect(useStore.getState().backendActive).toBe('webgl');
    expect(c.calls[0]!.engine.disposed).toBe(true);
    expect(c.calls[2]!.config.backend).toBe('webgpu');
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('webgl');
    c.calls[2]!.resolve();
    await settle();
    const s = useStore.getState();
    expect(s.backendActive).toBe('webgpu');
    expect(s.warming).toBeNull();
    expect(s.measured).toMatchObject({ backend: 'webgpu', reason: expect.stringContaining('measured faster') });
    expect(c.calls[1]!.engine.disposed).toBe(true);
    expect(c.calls[2]!.engine.disposed).toBe(false);
  });

  it('never says a backend runs and warms beside itself at once, and keeps what it measured for later picks', async () => {
    const c = controllable();
    const seen: string[] = [];
    const off = useStore.subscribe((s) => {
      if (s.warming && s.warming.backend === s.backendActive) seen.push(`${s.backendActive} in use and warming`);
    });
    await autoStart(c);
    await tick();
    c.calls[1]!.resolve();
    await settle();
    off();
    expect(useStore.getState().backendActive).toBe('webgl');
    expect(seen).toEqual([]);
    // Both backends' times, measured on the same crops, are kept (a backend measured slower says so when picked).
    expect(Object.keys(useStore.getState().speedMs).sort()).toEqual(['wasm', 'webgl']);
  });

  it('the second engine starts warming only once a first result was shown (it would slow that result on two cores)', async () => {
    const c = controllable();
    const h = new EngineHost(useStore, { base: '/', create: c.create, probe: async () => BOTH, fetchModels: async () => MODELS, canRunBeside: () => true, warmBesideWhen: (first) => first });
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
    await settle();
    expect(c.calls).toHaveLength(1); // nothing warms yet
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('wasm');
    await settle();
    expect(c.calls[1]!.config.backend).toBe('webgl');
  });

  it('keeps WebAssembly where the GPU backends are not clearly faster (SwiftShader), says why, and remembers it', async () => {
    speed = { wasm: 20, webgl: 19, webgpu: 60, cpu: 100 }; // WebGL within noise, WebGPU slower
    const c = controllable();
    await autoStart(c);
    await tick();
    c.calls[1]!.resolve();
    await settle();
    c.calls[2]!.resolve();
    await settle();
    const s = useStore.getState();
    expect(s.backendActive).toBe('wasm');
    expect(c.calls[1]!.engine.disposed).toBe(true);
    expect(c.calls[2]!.engine.disposed).toBe(true);
    expect(c.calls[0]!.engine.disposed).toBe(false);
    expect(s.engine.backendReason).toMatch(/WebGL was not faster.*WebGPU was not faster.*WebAssembly \(CPU\) stays/);
    expect(s.measured).toMatchObject({ backend: 'wasm' });
  });

  it('a GPU backend that fails to warm leaves the running engine and remembers nothing (the next visit measures again)', async () => {
    const c = controllable();
    const h = await autoStart(c, GL_ONLY);
    await tick();
    expect(c.calls[1]!.config.backend).toBe('webgl');
    c.calls[1]!.reject(new EngineError('backend', 'context lost'));
    await settle();
    const s = useStore.getState();
    expect(s.backendActive).toBe('wasm');
    expect(s.measured).toBeNull(); // old code remembered "WebGL" here, for good
    expect(s.engine.backendReason).toContain('WebGL could not be prepared on this device (context lost)');
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('wasm');
  });

  it('remembers a measurement only when it succeeded: WebGPU failing to warm pins nothing', async () => {
    const c = controllable();
    const h = host(c, BOTH);
    const started = h.start();
    for (let i = 0; i < 4; i++) {
      await settle();
      const call = c.calls[i];
      if (!call) break;
      if (call.config.backend === 'webgpu') call.reject(new EngineError('backend', 'device lost'));
      else call.resolve();
    }
    await started;
    await settle();
    const s = useStore.getState();
    expect(s.backendActive).toBe('webgl');
    expect(s.measured).toBeNull(); // a transient failure must not pin WebGL for good
    expect(s.engine.backendReason).toContain('WebGPU could not be prepared on this device');
  });

  it('a remembered GPU choice takes over once warm, without measuring again', async () => {
    useStore.getState().setMeasured({ backend: 'webgl', reason: 'measured faster on this device' });
    speed = { wasm: 5, webgl: 10, webgpu: 5, cpu: 100 }; // a new measurement would keep wasm: none is made
    const c = controllable();
    await autoStart(c);
    expect(c.calls[0]!.config.backend).toBe('wasm');
    await tick();
    expect(c.calls).toHaveLength(2);
    expect(c.calls[1]!.config.backend).toBe('webgl');
    c.calls[1]!.resolve();
    await settle();
    expect(useStore.getState().backendActive).toBe('webgl');
    expect(c.calls).toHaveLength(2); // WebGPU is not tried: the remembered choice stands
  });

  it('a picked GPU backend: WebAssembly serves until it is warm, then it takes over unmeasured; no measurement is remembered', async () => {
    useStore.getState().setBackendWanted('webgpu');
    speed = { wasm: 1, webgl: 10, webgpu: 50, cpu: 100 }; // slower, but it was asked for
    const c = controllable();
    const h = host(c, BOTH, true);
    const started = h.start();
    await tick();
    expect(c.calls[0]!.config.backend).toBe('wasm');
    c.calls[0]!.resolve();
    await started;
    expect(useStore.getState().engine.backendReason).toContain('your choice, WebGPU');
    await tick();
    expect(c.calls[1]!.config.backend).toBe('webgpu');
    expect(useStore.getState().warming).toEqual({ backend: 'webgpu', measured: false });
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('wasm');
    c.calls[1]!.resolve();
    await settle();
    const s = useStore.getState();
    expect(s).toMatchObject({ backendActive: 'webgpu', backendWanted: 'webgpu', warming: null, measured: null, engine: { backendReason: 'your choice' } });
    expect(c.calls).toHaveLength(2); // WebGL is not tried
    expect(c.calls[0]!.engine.disposed).toBe(true);
  });

  it('a picked GPU backend that fails to warm: WebAssembly keeps serving and a notice says so', async () => {
    useStore.getState().setBackendWanted('webgl');
    const c = controllable();
    const h = host(c, BOTH, true);
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
    await tick();
    c.calls[1]!.reject(new EngineError('backend', 'context lost'));
    await settle();
    const s = useStore.getState();
    expect(s.backendActive).toBe('wasm');
    expect(s.notices.map((n) => n.code)).toContain('backend-switch');
    expect(s.engine.backendReason).toContain('WebGL could not be prepared');
    expect((await h.analyse(bitmap(), 'frame')).backend).toBe('wasm');
  });

  it('a backend the user picks while a GPU backend warms is not kept waiting behind the warm-up', async () => {
    const c = controllable();
    const h = await autoStart(c);
    await tick();
    expect(c.calls[1]!.config.backend).toBe('webgl'); // warming, unresolved
    const switching = h.switchBackend('webgpu');
    await tick();
    expect(c.calls[2]!.config.backend).toBe('webgpu'); // the user's engine is being made at once
    c.calls[2]!.resolve();
    await switching;
    expect(useStore.getState().backendActive).toBe('webgpu');
    c.calls[1]!.resolve(); // the warm-up ends later: it is discarded, and nothing is remembered
    await settle();
    expect(c.calls[1]!.engine.disposed).toBe(true);
    expect(useStore.getState()).toMatchObject({ backendActive: 'webgpu', warming: null, measured: null });
  });

  it('a backend the user picks while a GPU backend warms stops the hand-over', async () => {
    const c = controllable();
    const h = await autoStart(c);
    await tick();
    const switching = h.switchBackend('wasm'); // already running: the choice pins it
    c.calls[1]!.resolve();
    await switching;
    await settle();
    expect(useStore.getState().backendActive).toBe('wasm');
    expect(c.calls[1]!.engine.disposed).toBe(true);
    expect(c.calls).toHaveLength(2);
    expect(useStore.getState().measured).toBeNull();
  });
});
