import { describe, expect, it } from 'vitest';
import { type Analysis, type AnalysisKind, type EngineApi, type EngineConfig, EngineError, type EngineProgress, type EngineStatus } from '../api';
import type { BackendName } from '../backendSupport';
import type { CreatedEngine, StartOptions } from '../remote';
import { DEFAULT_MODEL_ID } from '../assets';
import { DEFAULT_ENGINE_OPTIONS } from './defaults';
import { createEngineWith, type LibraryDeps, modelIdOf, resolveOptions } from './emotionEngine';
import type { EmotionEngineStatus, EngineInput } from './types';

const HAPPY = [0.02, 0.01, 0.02, 0.8, 0.05, 0.05, 0.05];

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ([resolve, reject] = [res, rej]));
  return { promise, resolve, reject };
}

/** Faces as the engine would find them: a box per face at x, 100 px square. */
function analysisOf(xs: number[], backend: BackendName, kind: AnalysisKind): Analysis {
  const n = xs.length;
  return {
    kind,
    width: 640,
    height: 480,
    count: n,
    boxes: Float32Array.from(xs.flatMap((x) => [x, 50, 100, 100])),
    crops: Float32Array.from(xs.flatMap((x) => [x - 10, 40, 120, 120])),
    scores: Float32Array.from(xs.map(() => 0.9)),
    probs: Float32Array.from(xs.flatMap(() => HAPPY)),
    timings: { detectMs: 1, classifyMs: 1, totalMs: 2 },
    backend,
    model: 'm',
    tensors: 3,
    ...(kind === 'whole' ? { whole: true } : {}),
  };
}

interface FakeEngine extends Omit<EngineApi, 'status'> {
  status: EngineStatus;
  backend: BackendName;
  disposed: boolean;
  analysed: (ImageBitmap | VideoFrame)[];
  /** Analyses wait for this when set (an analysis in flight). */
  hold: Promise<void> | null;
}

/** The browser, faked: engines appear when `starts` says (all at once unless a test holds one). */
function fakeDeps(faces: () => number[] = () => [300, 100]) {
  const engines: FakeEngine[] = [];
  const configs: EngineConfig[] = [];
  const startOptions: StartOptions[] = [];
  const inputs: EngineInput[] = [];
  const explained: { image: ImageBitmap; crop: unknown; roll?: number; target?: number }[] = [];
  let gate: Promise<void> | null = null;
  let failNext: EngineError | null = null;
  let failTimes = 0;
  const probed: BackendName[] = [];
  const deps: LibraryDeps = {
    async start(config, onProgress, options = {}) {
      configs.push(config);
      startOptions.push(options);
      onProgress({ stage: 'model', loaded: 1, total: 2, fromCache: false });
      if (gate) await gate;
      if (failNext) {
        const err = failNext;
        if (--failTimes <= 0) failNext = null;
        throw err;
      }
      const pending = new Set<(e: unknown) => void>();
      const engine: FakeEngine = {
        backend: config.backend,
        disposed: false,
        analysed: [],
        hold: null,
        status: { backend: config.backend, modelId: config.modelId, model: { name: 'Fake', quantization: 'none', weightBytes: 1 }, loadMs: 1, warmupMs: 1, modelFromCache: false },
        async analyse(image, kind) {
          if (engine.disposed) throw new EngineError('engine', 'the engine was disposed');
          engine.analysed.push(image);
          if (engine.hold) {
            const held = engine.hold;
            await new Promise<void>((resolve, reject) => {
              pending.add(reject);
              void held.then(resolve);
            });
          }
          return analysisOf(faces(), config.backend, kind);
        },
        async explain(image, crop, roll, target) {
          explained.push({ image, crop, roll, target });
          return { method: 'occlusion' as const, target: target ?? 3, probability: 0.8, cells: 8, values: new Float32Array(64).fill(0.25), crop, ms: 2 };
        },
        async setModel(url, modelId) {
          engine.status = { ...engine.status, modelId, model: { ...engine.status.model, name: url } };
          return engine.status;
        },
        prepare: async () => undefined,
        benchmark: async () => ({ backend: config.backend, oneFaceMs: 1, fourFacesMs: 2 }),
        memory: async () => ({ tensors: 3, bytes: 1, shaders: 0, frames: { copied: 0, bitmaps: 0 } }),
        async dispose() {
          engine.disposed = true;
          for (const reject of pending) reject(new EngineError('engine', 'the engine was disposed'));
        },
      };
      engines.push(engine);
      return { engine, thread: options.preferWorker === false ? 'page' : 'worker', ...(options.preferWorker === false ? { threadReason: 'asked' } : {}) } satisfies CreatedEngine;
    },
    probe: async (backend) => {
      probed.push(backend);
      return { wasm: { available: true }, webgl: { available: true }, ...(backend === 'webgpu' ? { webgpu: { available: false, reason: 'no adapter' } } : {}) };
    },
    async toBitmap(input) {
      inputs.push(input);
      if ((input as { broken?: boolean }).broken) throw new Error('The source image could not be decoded.');
      return { width: 640, height: 480, close() {} };
    },
    now: () => 1000,
  };
  return {
    deps,
    engines,
    configs,
    startOptions,
    inputs,
    explained,
    holdStarts() {
      const d = deferred<void>();
      gate = d.promise;
      return () => {
        gate = null;
        d.resolve();
      };
    },
    /** The next `times` starts fail with `err`. */
    failNextStart(err: EngineError, times = 1) {
      failNext = err;
      failTimes = times;
    },
    probed,
  };
}

const IMAGE = { width: 640, height: 480 } as unknown as ImageBitmap;

describe('createEngine options', () => {
  it("merges the caller's options over the defaults in a copy, with every URL absolute under assetsUrl", () => {
    const options = { assetsUrl: 'vendor/resemote', detector: {} };
    const resolved = resolveOptions(options, 'https://site.example/app/page.html');
    expect(options).toEqual({ assetsUrl: 'vendor/resemote', detector: {} }); // the caller's object is untouched
    expect(resolved).toMatchObject({
      assetsUrl: 'https://site.example/app/vendor/resemote/',
      modelUrl: `https://site.example/app/vendor/resemote/models/${DEFAULT_MODEL_ID}/model.json`,
      backend: 'wasm',
      detector: { minScore: 0.5, check: true },
      thread: 'auto',
      warmupFrame: [720, 1280],
    });
    expect(resolved.tracker).toEqual(DEFAULT_ENGINE_OPTIONS.tracker);
    expect(resolved.tracker).not.toBe(DEFAULT_ENGINE_OPTIONS.tracker);
    expect(resolveOptions({ assetsUrl: '/a/', modelUrl: '/m/x/model.json', backend: 'webgl', tracker: { probHalfLifeMs: 0 } }, 'https://s.example/p')).toMatchObject({
      modelUrl: 'https://s.example/m/x/model.json',
      backend: 'webgl',
      tracker: { probHalfLifeMs: 0, iouThreshold: 0.3 },
    });
  });

  it('has no default location for its files: assetsUrl is required', () => {
    expect(() => resolveOptions({} as never)).toThrow(/needs assetsUrl/);
  });

  it('hands the engine the files under assetsUrl, the model and the detector floor; thread: page keeps it off workers', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://cdn.example/pkg/assets', detector: { minScore: 0.7 } }, fake.deps);
    expect(fake.configs[0]).toMatchObject({
      backend: 'wasm',
      modelUrl: `https://cdn.example/pkg/assets/models/${DEFAULT_MODEL_ID}/model.json`,
      modelId: DEFAULT_MODEL_ID,
      tfjsWasmBase: 'https://cdn.example/pkg/assets/tfjs-wasm/',
      detector: { wasmBase: 'https://cdn.example/pkg/assets/mediapipe/wasm', modelUrl: 'https://cdn.example/pkg/assets/mediapipe/face_detector.tflite', floorScore: 0.7 },
      warmupFrame: [720, 1280],
      pageEngineUrl: 'https://cdn.example/pkg/assets/page-engine.js',
    });
    expect(fake.configs[0]?.detector.faceCheck).toBe(true); // the face check is on by default
    expect(fake.startOptions[0]?.preferWorker).toBe(true);
    expect(engine.status).toMatchObject({ backend: 'wasm', modelId: DEFAULT_MODEL_ID, thread: 'worker' });
    await createEngineWith({ assetsUrl: 'https://cdn.example/a/', thread: 'page', detector: { check: false } }, fake.deps);
    expect(fake.startOptions[1]?.preferWorker).toBe(false);
    expect(fake.configs[1]?.detector).toMatchObject({ floorScore: 0.5, faceCheck: false });
  });

  it('names a model by its folder', () => {
    expect(modelIdOf('https://x.example/models/resemotenet-s/model.json')).toBe('resemotenet-s');
    expect(modelIdOf('https://x.example/m/')).toBe('m');
  });
});

describe('analyse', () => {
  it('returns one versioned result: faces with boxes, probabilities by name, the top emotion and ids 1..n', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const result = await engine.analyse(IMAGE);
    expect(result).toMatchObject({ format: 'resemote-emotions/1', width: 640, height: 480, backend: 'wasm', model: 'm', time: 1000, padded: false });
    expect(result.faces.map((f) => f.id)).toEqual([1, 2]);
    const face = result.faces[0];
    expect(face?.box).toEqual({ x: 300, y: 50, width: 100, height: 100 });
    expect(Object.keys(face?.probabilities ?? {})).toEqual(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
    expect(Object.values(face?.probabilities ?? {}).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(face?.top).toEqual({ emotion: 'happy', probability: expect.closeTo(0.8, 5) });
    // The input stays the caller's: the engine got a new bitmap made from it, a photo by default.
    expect(fake.inputs).toEqual([IMAGE]);
    expect(fake.engines[0]?.analysed[0]).not.toBe(IMAGE);
  });

  it('reads a photo with no face found whole, as one face, when asked (wholeIfNoFace), and says so', async () => {
    const fake = fakeDeps(() => []); // the detector finds nothing in this photo
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const kinds: string[] = [];
    const running = fake.engines[0]!;
    const analyse = running.analyse.bind(running);
    running.analyse = async (image, kind) => {
      kinds.push(kind);
      const a = await analyse(image, kind);
      return kind === 'whole'
        ? { ...a, count: 1, whole: true, boxes: Float32Array.from([0, 0, 640, 480]), crops: Float32Array.from([0, -80, 640, 640]), scores: Float32Array.from([0]), probs: Float32Array.from(HAPPY) }
        : a;
    };
    expect(await engine.analyse(IMAGE)).toMatchObject({ faces: [], whole: false }); // by default, none
    const read = await engine.analyse(IMAGE, { wholeIfNoFace: true });
    expect(kinds).toEqual(['photo', 'photo', 'whole']);
    expect(read).toMatchObject({ whole: true, faces: [{ id: 1, score: 0, box: { x: 0, y: 0, width: 640, height: 480 } }] });
    expect(fake.inputs.filter((i) => i === IMAGE)).toHaveLength(3); // each read copies the caller's image anew
  });

  it('explains a face: its crop and top emotion (or the one asked for) to the engine, the map back as plain numbers', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const face = (await engine.analyse(IMAGE)).faces[0]!;
    const why = await engine.explain(IMAGE, face);
    expect(fake.explained[0]).toMatchObject({ crop: face.crop, target: 3 }); // happy, its top emotion
    expect(why).toMatchObject({ emotion: 'happy', method: 'occlusion', cells: 8, crop: face.crop });
    expect(why.values).toHaveLength(64);
    expect(Array.isArray(why.values)).toBe(true);
    expect((await engine.explain(IMAGE, face, 'sad')).emotion).toBe('sad');
    expect(fake.explained[1]?.target).toBe(4);
    await engine.dispose();
    await expect(engine.explain(IMAGE, face)).rejects.toThrow(/disposed/);
  });

  it('keeps face ids across frames with track: true, and starts again after resetTracking', async () => {
    let xs = [100, 400];
    const fake = fakeDeps(() => xs);
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const first = await engine.analyse(IMAGE, { kind: 'frame', track: true, time: 0 });
    expect(first.faces.map((f) => [f.id, f.box.x])).toEqual([
      [1, 100],
      [2, 400],
    ]);
    xs = [420, 110]; // both moved a little, found in the other order
    const second = await engine.analyse(IMAGE, { kind: 'frame', track: true, time: 100 });
    expect(second.faces.map((f) => [f.id, f.box.x])).toEqual([
      [1, 110],
      [2, 420],
    ]);
    // Without tracking, ids are this image's own.
    expect((await engine.analyse(IMAGE, { kind: 'frame' })).faces.map((f) => [f.id, f.box.x])).toEqual([
      [1, 420],
      [2, 110],
    ]);
    engine.resetTracking();
    xs = [700];
    expect((await engine.analyse(IMAGE, { kind: 'frame', track: true, time: 200 })).faces.map((f) => f.id)).toEqual([1]);
  });

  it('an input that cannot be read rejects with an EngineError naming the input, and says so to error listeners', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const errors: EngineError[] = [];
    engine.on('error', (e) => errors.push(e));
    const err = (await engine.analyse({ broken: true } as never).catch((e: unknown) => e)) as EngineError;
    expect(err).toBeInstanceOf(EngineError);
    expect(err.part).toBe('input');
    expect(err.message).toContain('could not be decoded');
    expect(errors).toEqual([err]);
  });
});

describe('switchBackend', () => {
  it('in a worker: the old engine answers until the new one is ready, then they swap and the old one is released', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const statuses: string[] = [];
    engine.on('status', (s) => statuses.push(s.backend));
    const release = fake.holdStarts();
    const switching = engine.switchBackend('webgl');
    // The new engine is still starting: calls go on, on WebAssembly.
    expect((await engine.analyse(IMAGE)).backend).toBe('wasm');
    expect(fake.engines[0]?.disposed).toBe(false);
    release();
    expect((await switching).backend).toBe('webgl');
    expect(fake.engines[0]?.disposed).toBe(true);
    expect((await engine.analyse(IMAGE)).backend).toBe('webgl');
    expect(engine.status.backend).toBe('webgl');
    expect(statuses).toEqual(['webgl']);
  });

  it('an analysis still on the old engine when it is released is tried once more on the new one', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const old = fake.engines[0] as FakeEngine;
    old.hold = new Promise(() => undefined); // never answers: only the release ends it
    const inFlight = engine.analyse(IMAGE);
    await expect.poll(() => old.analysed.length).toBe(1);
    await engine.switchBackend('webgl');
    const result = await inFlight;
    expect(result.backend).toBe('webgl');
    expect(fake.inputs).toHaveLength(2); // read again from the caller's input
  });

  it('a backend that cannot start leaves the old one running, rejects with part "backend" and tells error listeners', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const errors: EngineError[] = [];
    engine.on('error', (e) => errors.push(e));
    fake.failNextStart(new EngineError('backend', 'WebGPU: no adapter'));
    const err = (await engine.switchBackend('webgpu').catch((e: unknown) => e)) as EngineError;
    expect(err.part).toBe('backend');
    expect(errors).toEqual([err]);
    expect(fake.engines[0]?.disposed).toBe(false);
    expect(engine.status.backend).toBe('wasm');
    expect((await engine.analyse(IMAGE)).backend).toBe('wasm');
  });

  it("on the page's thread: the old engine is released first, and calls made meanwhile wait for the new one", async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/', thread: 'page' }, fake.deps);
    const release = fake.holdStarts();
    const switching = engine.switchBackend('webgl');
    await expect.poll(() => fake.engines[0]?.disposed).toBe(true);
    const waiting = engine.analyse(IMAGE);
    release();
    await switching;
    expect((await waiting).backend).toBe('webgl');
  });

  it("on the page's thread, when neither the new backend nor the old one starts, the status says what failed until a switch succeeds", async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/', thread: 'page' }, fake.deps);
    const statuses: EmotionEngineStatus[] = [];
    engine.on('status', (s) => statuses.push(s));
    expect(engine.status.failed).toBeUndefined();
    fake.failNextStart(new EngineError('detector', 'the face detector model https://x.example/a/m.tflite could not be loaded: HTTP 404', 'https://x.example/a/m.tflite'), 2);
    await expect(engine.switchBackend('webgl')).rejects.toMatchObject({ part: 'detector' });
    expect(engine.status.failed).toEqual({ part: 'detector', message: expect.stringContaining('HTTP 404'), url: 'https://x.example/a/m.tflite' });
    expect(statuses.at(-1)?.failed?.part).toBe('detector');
    await expect(engine.analyse(IMAGE)).rejects.toMatchObject({ part: 'detector' });
    expect((await engine.switchBackend('webgl')).failed).toBeUndefined();
    expect((await engine.analyse(IMAGE)).backend).toBe('webgl');
  });

  it('in a worker that stops, the status says so', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    fake.startOptions[0]?.onFailure?.(new EngineError('engine', 'the engine worker stopped (out of memory)'));
    expect(engine.status.failed).toEqual({ part: 'engine', message: 'the engine worker stopped (out of memory)' });
  });

  it('asks the browser about WebGPU only when WebGPU is wanted (where there is none, Chromium prints "No available adapters.")', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    expect(fake.probed).toEqual(['wasm']);
    expect(fake.configs[0]?.support).toEqual({ wasm: { available: true }, webgl: { available: true } });
    fake.failNextStart(new EngineError('backend', 'WebGPU: no adapter'));
    await expect(engine.switchBackend('webgpu')).rejects.toMatchObject({ part: 'backend' });
    expect(fake.probed).toEqual(['wasm', 'webgpu']);
    expect(fake.configs[1]?.support?.webgpu).toEqual({ available: false, reason: 'no adapter' });
  });

  it("on the page's thread, a backend that cannot start brings the old one back", async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/', thread: 'page' }, fake.deps);
    fake.failNextStart(new EngineError('backend', 'WebGL: no context'));
    await expect(engine.switchBackend('webgl')).rejects.toMatchObject({ part: 'backend' });
    expect(fake.configs.map((c) => c.backend)).toEqual(['wasm', 'webgl', 'wasm']);
    expect((await engine.analyse(IMAGE)).backend).toBe('wasm');
  });
});

describe('events, errors, dispose', () => {
  it('onProgress hears the load from the start; on() listens later and returns its own off switch', async () => {
    const fake = fakeDeps();
    const early: EngineProgress[] = [];
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/', onProgress: (p) => early.push(p) }, fake.deps);
    expect(early).toEqual([{ stage: 'model', loaded: 1, total: 2, fromCache: false }]);
    const later: EngineProgress[] = [];
    const off = engine.on('progress', (p) => later.push(p));
    await engine.switchBackend('webgl');
    off();
    await engine.switchBackend('wasm');
    expect(later).toHaveLength(1);
    expect(early).toHaveLength(3);
  });

  it('a failed start rejects with the part that failed', async () => {
    const fake = fakeDeps();
    fake.failNextStart(new EngineError('model', 'HTTP 404 for model.json'));
    await expect(createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps)).rejects.toMatchObject({ name: 'EngineError', part: 'model' });
  });

  it('a worker that stops while nothing waits on it is told to error listeners (only while it is the running one)', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const errors: EngineError[] = [];
    engine.on('error', (e) => errors.push(e));
    const stopped = new EngineError('engine', 'the engine worker stopped (out of memory)');
    fake.startOptions[0]?.onFailure?.(stopped);
    expect(errors).toEqual([stopped]);
    await engine.switchBackend('webgl');
    fake.startOptions[0]?.onFailure?.(new EngineError('engine', 'the old worker'));
    expect(errors).toEqual([stopped]);
  });

  it('dispose releases the engine; calls after it reject with part "engine"', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    await engine.dispose();
    expect(fake.engines[0]?.disposed).toBe(true);
    await expect(engine.analyse(IMAGE)).rejects.toMatchObject({ part: 'engine' });
    await expect(engine.switchBackend('webgl')).rejects.toMatchObject({ part: 'engine' });
    await engine.dispose(); // twice is fine
  });

  it('setModel swaps the model and reports the new status; a failure keeps the old one', async () => {
    const fake = fakeDeps();
    const engine = await createEngineWith({ assetsUrl: 'https://x.example/a/' }, fake.deps);
    const status = await engine.setModel('https://x.example/a/models/resemotenet-s/model.json');
    expect(status.modelId).toBe('resemotenet-s');
    const old = fake.engines[0] as FakeEngine;
    old.setModel = async () => {
      throw new EngineError('model', 'the weights are corrupt');
    };
    await expect(engine.setModel('https://x.example/bad/model.json')).rejects.toMatchObject({ part: 'model' });
    expect(engine.status.modelId).toBe('resemotenet-s');
    // A later backend switch loads the model that runs, not the one that failed.
    await engine.switchBackend('webgl');
    expect(fake.configs.at(-1)?.modelUrl).toBe('https://x.example/a/models/resemotenet-s/model.json');
  });
});
