import { beforeEach, describe, expect, it } from 'vitest';
import type { BackendName, BackendSupportMap } from '../engine/backendSupport';
import { type Analysis, type EngineApi, type EngineConfig, EngineError, type EngineStatus } from '../engine/api';
import { AppException } from '../engine/errors';
import type { CreatedEngine } from '../engine/remote';
import { resetStore, useStore, type ModelEntry } from '../state/store';
import { EngineHost, pickMeasured, startingBackend } from './engineHost';

const BOTH: BackendSupportMap = { webgpu: { available: true }, webgl: { available: true } };
const GL_ONLY: BackendSupportMap = { webgpu: { available: false, reason: 'none' }, webgl: { available: true } };
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
    return { kind: 'frame', width: 4, height: 4, count: 0, boxes: new Float32Array(), crops: new Float32Array(), scores: new Float32Array(), probs: new Float32Array(), timings: { detectMs: 0, classifyMs: 0, totalMs: 0 }, backend: this.status.backend, model: this.status.modelId, tensors: 0 };
  }
  async setModel(_url: string, modelId: string) {
    if (modelId === 'b' && failModelB) throw new EngineError('model', 'HTTP 404 for models/b/model.json');
    this.status = { ...this.status, modelId };
    return this.status;
  }
  async benchmark() {
    return { backend: this.status.backend, oneFaceMs: this.status.backend === 'webgpu' ? 5 : 10, fourFacesMs: 20 };
  }
  async memory() {
    return { tensors: 0, bytes: 0 };
  }
  async dispose() {
    this.disposed = true;
    for (const release of this.held.splice(0)) release();
  }
}
let failModelB = false;

/** A createEngine whose engines appear when the test says so. */
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
});

describe('choosing the backend', () => {
  it('uses the user choice, then a remembered measurement, else starts on WebGL and measures WebGPU', () => {
    expect(startingBackend(BOTH, 'webgpu', null)).toMatchObject({ backend: 'webgpu', measure: false });
    expect(startingBackend(BOTH, null, { backend: 'webgpu' })).toMatchObject({ backend: 'webgpu', measure: false });
    expect(startingBackend(BOTH, null, null)).toMatchObject({ backend: 'webgl', measure: true });
    expect(startingBackend(GL_ONLY, 'webgpu', null)).toMatchObject({ backend: 'webgl', measure: false });
  });

  it('keeps WebGPU unless it measured slower', () => {
    const r = (backend: BackendName, one: number, four: number) => ({ backend, oneFaceMs: one, fourFacesMs: four });
    expect(pickMeasured(r('webgpu', 10, 20), r('webgl', 10, 20)).backend).toBe('webgpu');
    expect(pickMeasured(r('webgpu', 40, 90), r('webgl', 10, 20))).toMatchObject({ backend: 'webgl', reason: expect.stringContaining('WebGPU 40/90 ms') });
  });
});

describe('EngineHost', () => {
  const host = (c: ReturnType<typeof controllable>, support = GL_ONLY) =>
    new EngineHost(useStore, { base: '/', create: c.create, probe: async () => support, fetchModels: async () => MODELS });

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
    expect(await pending).toMatchObject({ model: 'a', backend: 'webgl' });
  });

  it('a backend switch keeps the old engine analysing until the new one is ready, then disposes it', async () => {
    const c = controllable();
    const h = host(c, BOTH);
    useStore.getState().setBackendWanted('webgl');
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
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
    const c = controllable();
    const h = host(c, BOTH);
    useStore.getState().setBackendWanted('webgl');
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
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
    const c = controllable();
    const h = host(c, BOTH);
    useStore.getState().setBackendWanted('webgl');
    const started = h.start();
    await tick();
    c.calls[0]!.resolve();
    await started;
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

  it('measures WebGPU beside WebGL when the user has not chosen, and remembers the pick', async () => {
    const c = controllable();
    const h = host(c, BOTH);
    const started = h.start();
    await tick();
    expect(c.calls[0]!.config.backend).toBe('webgl');
    c.calls[0]!.resolve();
    await started;
    await tick();
    expect(c.calls[1]!.config.backend).toBe('webgpu');
    c.calls[1]!.resolve();
    for (let i = 0; i < 5; i++) await tick();
    const s = useStore.getState();
    expect(s.backendActive).toBe('webgpu'); // faster in the fake benchmark
    expect(s.measured).toMatchObject({ backend: 'webgpu' });
    expect(s.engine.backendReason).toContain('measured');
    expect(c.calls[0]!.engine.disposed).toBe(true);
  });
});
