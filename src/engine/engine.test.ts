import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActivationResult } from './backendActivation';
import type { Box } from './box';
import type { ModelMetadata } from './classifier';
import { type EngineConfig, EngineError } from './api';
import { engineAssets } from './assets';
import { type Classifier, type Detector, Engine, type EngineDeps } from './engine';
import { FrameReader } from './frameReader';

const CONFIG: EngineConfig = { backend: 'webgl', modelUrl: 'http://x/models/m/model.json', modelId: 'm', warmupFrame: [120, 160], ...engineAssets('http://x/') };
const META = { name: 'Fake', quantization: 'none', weightBytes: 1 } as ModelMetadata;

/** A classifier that holds one tensor (as a real model holds its weights) and answers "happy". */
function fakeClassifier(name = 'Fake'): Classifier & { disposed: boolean } {
  const weights = tf.ones([4]);
  return {
    metadata: { ...META, name },
    disposed: false,
    async classify(_pixels: tf.Tensor3D, boxes: readonly Box[]) {
      return boxes.map(() => Float32Array.from([0, 0, 0, 1, 0, 0, 0]));
    },
    async warmup() {
      return 1;
    },
    async explain(_pixels: tf.Tensor3D, _box: Box, _roll?: number, target = 3) {
      return { method: 'occlusion' as const, target, probability: 1, cells: 8, values: new Float32Array(64).fill(0.5) };
    },
    dispose() {
      weights.dispose();
      this.disposed = true;
    },
  };
}

function fakeDetector(faces: Box[] = [{ x: 10, y: 10, width: 40, height: 40 }], scores: number[] = [], again: number[] = []): Detector & { closed: boolean; looks: Box[] } {
  const found = () => faces.map((box, i) => ({ box, score: scores[i] ?? 0.9 }));
  return {
    closed: false,
    looks: [],
    detectImage: found,
    detectRegions: found,
    secondLook(_image, _w, _h, box) {
      this.looks.push(box);
      return again[faces.findIndex((f) => f.x === box.x && f.y === box.y && f.width === box.width)] ?? 0;
    },
    close() {
      this.closed = true;
    },
  };
}

function deps(overrides: Partial<EngineDeps> = {}) {
  const made = { classifiers: [] as ReturnType<typeof fakeClassifier>[], detectors: [] as ReturnType<typeof fakeDetector>[] };
  const d: EngineDeps = {
    activate: async (wanted): Promise<ActivationResult> => ({ active: wanted }),
    loadModel: async () => ({ artifacts: {}, fromCache: false }),
    buildClassifier: async () => {
      const c = fakeClassifier(`Fake ${made.classifiers.length + 1}`);
      made.classifiers.push(c);
      return c;
    },
    createDetector: async () => {
      const det = fakeDetector();
      made.detectors.push(det);
      return det;
    },
    pixels: (image) => tf.zeros([image.height, image.width, 3], 'int32') as tf.Tensor3D,
    regionPixels: (_image, r) => tf.zeros([r.height, r.width, 3], 'int32') as tf.Tensor3D,
    padImage: (image) => ({ image: bitmap(image.width + 2 * 50, image.height + 2 * 50), pad: 50 }),
    thumbnail: () => new Uint8ClampedArray(32 * 18 * 4).fill(7),
    frameReader: () =>
      new FrameReader(
        (data, width, height) => ({ data, width, height, colorSpace: 'srgb' }) as ImageData,
        async (f) => bitmap(f.displayWidth, f.displayHeight),
      ),
    ...overrides,
  };
  return { d, made };
}

/** An ImageBitmap stand-in: the engine only reads its size and closes it. */
function bitmap(width = 160, height = 120) {
  const b = { width, height, closed: false, close: () => void (b.closed = true) };
  return b as unknown as ImageBitmap & { closed: boolean };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Engine', () => {
  it('is created ready, analyses a frame into flat arrays with provenance, and closes the image', async () => {
    const { d } = deps();
    const engine = await Engine.create(CONFIG, () => undefined, d);
    expect(engine.status).toMatchObject({ backend: 'webgl', modelId: 'm', model: { name: 'Fake 1' } });
    const image = bitmap();
    const a = await engine.analyse(image, 'frame');
    expect(image.closed).toBe(true);
    expect(a).toMatchObject({ count: 1, width: 160, height: 120, backend: 'webgl', model: 'm' });
    expect(Array.from(a.boxes)).toEqual([10, 10, 40, 40]);
    expect(a.probs).toHaveLength(7);
    expect(a.probs[3]).toBe(1);
    expect(a.crops[2]).toBeGreaterThan(40); // the square crop is wider than the detector's box
    expect(a.thumb?.length).toBe(32 * 18 * 4); // a frame comes with its thumbnail for the tracker's scene-cut rule
    await engine.dispose();
  });

  it('reads a camera VideoFrame by copy into one reused buffer: no bitmap, the frame closed, frames counted', async () => {
    class FakeVideoFrame {
      closed = false;
      visibleRect = { x: 0, y: 0, width: 160, height: 120 };
      displayWidth = 160;
      displayHeight = 120;
      async copyTo(dest: Uint8ClampedArray) {
        dest.fill(9);
        return [];
      }
      close() {
        this.closed = true;
      }
    }
    vi.stubGlobal('VideoFrame', FakeVideoFrame);
    try {
      const seen: unknown[] = [];
      const { d } = deps({
        pixels: (image) => {
          seen.push(image);
          return tf.zeros([image.height, image.width, 3], 'int32') as tf.Tensor3D;
        },
        thumbnail: (image) => ('data' in image ? new Uint8ClampedArray(32 * 18 * 4).fill(image.data[0] as number) : null),
      });
      const engine = await Engine.create(CONFIG, () => undefined, d);
      const frames = [new FakeVideoFrame(), new FakeVideoFrame()];
      const a = await engine.analyse(frames[0] as unknown as VideoFrame, 'frame');
      await engine.analyse(frames[1] as unknown as VideoFrame, 'frame');
      expect(frames.every((f) => f.closed)).toBe(true);
      expect(a).toMatchObject({ count: 1, width: 160, height: 120 });
      expect(a.thumb?.[0]).toBe(9); // the thumbnail is made of the copied pixels
      const [p1, p2] = seen as ImageData[];
      expect(p1?.data).toBeDefined();
      expect(p2?.data).toBe(p1?.data); // the same buffer for both frames
      expect((await engine.memory()).frames).toEqual({ copied: 2, bitmaps: 0 });
      // A frame given as a photo is searched region by region, from a bitmap of it (its tiles are
      // drawn on an OffscreenCanvas, which Node lacks; this detector ignores them).
      vi.stubGlobal(
        'OffscreenCanvas',
        class {
          getContext() {
            return new Proxy({}, { get: () => () => undefined });
          }
        },
      );
      const photo = new FakeVideoFrame();
      await engine.analyse(photo as unknown as VideoFrame, 'photo');
      expect(photo.closed).toBe(true);
      expect((await engine.memory()).frames).toEqual({ copied: 2, bitmaps: 1 });
      await engine.dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it.each([
    ['backend', { activate: async () => Promise.reject(new Error('no GPU')) }],
    ['model', { loadModel: async () => Promise.reject(new Error('HTTP 404')) }],
    ['model', { buildClassifier: async () => Promise.reject(new Error('unsupported op')) }],
    ['detector', { createDetector: async () => Promise.reject(new Error('wasm 404')) }],
  ] as [string, Partial<EngineDeps>][])('a failing %s rejects create() with that part named, leaving nothing behind', async (part, override) => {
    const before = tf.memory().numTensors;
    const { d, made } = deps(override);
    const err = await Engine.create(CONFIG, () => undefined, d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).part).toBe(part);
    await new Promise((r) => setTimeout(r, 0)); // parts that finish after the failure are released too
    expect(made.classifiers.every((c) => c.disposed)).toBe(true);
    expect(made.detectors.every((det) => det.closed)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a photo that is only a face is tried once more, padded by its own border, and mapped back', async () => {
    const padded: (ImageBitmap & { closed: boolean })[] = [];
    const seen: number[] = [];
    const detector: Detector = {
      // finds the face only on the padded image (200 x 200 + 2 x 50), at (60, 55)
      detectImage: (img) => ((img as ImageBitmap).width > 200 ? [{ box: { x: 60, y: 55, width: 180, height: 180 }, score: 0.8 }] : []),
      detectRegions: () => [],
      secondLook: () => 0,
      close() {},
    };
    const { d } = deps({
      createDetector: async () => detector,
      padImage: (image) => {
        const b = bitmap(image.width + 100, image.height + 100);
        padded.push(b);
        return { image: b, pad: 50 };
      },
      pixels: (image) => {
        seen.push(image.width);
        return tf.zeros([image.height, image.width, 3], 'int32') as tf.Tensor3D;
      },
    });
    // the photo path renders its tiles on an OffscreenCanvas (which Node lacks; this detector ignores them)
    vi.stubGlobal(
      'OffscreenCanvas',
      class {
        getContext() {
          return new Proxy({}, { get: () => () => undefined });
        }
      },
    );
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const before = tf.memory().numTensors;
    const photo = await engine.analyse(bitmap(200, 200), 'photo');
    vi.unstubAllGlobals();
    expect(photo).toMatchObject({ count: 1, padded: true, width: 200, height: 200 });
    expect(photo.thumb).toBeUndefined(); // a photo has no scene to cut
    expect(Array.from(photo.boxes)).toEqual([10, 5, 180, 180]); // the photo's own pixels
    expect(seen).toEqual([300]); // cropped from the padded copy, so the face is framed as in training
    expect(padded[0]?.closed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    // a camera frame never takes the retry, and a photo with a face found as is is not padded
    expect((await engine.analyse(bitmap(200, 200), 'frame')).count).toBe(0);
    expect(padded).toHaveLength(1);
    await engine.dispose();
  });

  it('keeps a detection it is not sure of only when a second look finds it again (the face check), on frames and photos', async () => {
    const sure = { x: 10, y: 10, width: 40, height: 40 };
    const seenAgain = { x: 60, y: 10, width: 40, height: 40 };
    const pattern = { x: 110, y: 10, width: 40, height: 40 };
    const det = fakeDetector([sure, seenAgain, pattern], [0.92, 0.55, 0.7], [0, 0.6, 0]);
    const { d } = deps({ createDetector: async () => det });
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const frame = await engine.analyse(bitmap(), 'frame');
    expect(Array.from(frame.boxes)).toEqual([10, 10, 40, 40, 60, 10, 40, 40]); // the pattern (0.7, not found again) is gone
    expect(Array.from(frame.scores).map((s) => +s.toFixed(2))).toEqual([0.92, 0.55]);
    expect(det.looks).toEqual([seenAgain, pattern]); // a sure face costs no second look
    await engine.dispose();

    // The check can be turned off (the library's detector.check: false): every detection over the floor stays.
    const off = fakeDetector([sure, seenAgain, pattern], [0.92, 0.55, 0.7], [0, 0.6, 0]);
    const plain = await Engine.create({ ...CONFIG, detector: { ...CONFIG.detector, faceCheck: false } }, () => undefined, deps({ createDetector: async () => off }).d);
    expect((await plain.analyse(bitmap(), 'frame')).count).toBe(3);
    expect(off.looks).toEqual([]);
    await plain.dispose();
  });

  it('a "Why?" map reads only the part of the photo its crop needs, the crop moved into it, and gives the crop back as asked', async () => {
    const seen: { box: Box; shape: number[] }[] = [];
    const regions: Box[] = [];
    const c = fakeClassifier();
    c.explain = async (pixels, box, _roll, target = 3) => {
      seen.push({ box, shape: pixels.shape });
      return { method: 'occlusion' as const, target, probability: 1, cells: 8, values: new Float32Array(64) };
    };
    const { d } = deps({
      buildClassifier: async () => c,
      regionPixels: (_image, r) => (regions.push(r), tf.zeros([r.height, r.width, 3], 'int32') as tf.Tensor3D),
    });
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const before = tf.memory().numTensors;
    const crop = { x: 600.5, y: 200, width: 160, height: 160 };
    const map = await engine.explain(bitmap(1280, 900), crop);
    expect(regions).toEqual([{ x: 598, y: 198, width: 165, height: 164 }]);
    expect(seen).toEqual([{ box: { x: 2.5, y: 2, width: 160, height: 160 }, shape: [164, 165, 3] }]);
    expect(map.crop).toEqual(crop);
    expect(tf.memory().numTensors).toBe(before);
    // A crop that takes in the whole photo reads it whole.
    await engine.explain(bitmap(100, 100), { x: -20, y: -20, width: 140, height: 140 });
    expect(regions).toHaveLength(1);
    expect(seen[1]).toEqual({ box: { x: -20, y: -20, width: 140, height: 140 }, shape: [100, 100, 3] });
    await engine.dispose();
  });

  it("reads a whole image as one face on request ('whole'): no detection, the longer side's square from the photo padded by its own border", async () => {
    let detected = 0;
    const det = { ...fakeDetector(), detectImage: () => (detected++, []), detectRegions: () => (detected++, []) };
    const seen: number[] = [];
    const padded: (ImageBitmap & { closed: boolean })[] = [];
    const { d } = deps({
      createDetector: async () => det,
      padImage: (image) => {
        const b = bitmap(image.width + 160, image.height + 160);
        padded.push(b);
        return { image: b, pad: 80 };
      },
      pixels: (image) => {
        seen.push(image.width);
        return tf.zeros([image.height, image.width, 3], 'int32') as tf.Tensor3D;
      },
    });
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const a = await engine.analyse(bitmap(100, 160), 'whole');
    expect(detected).toBe(0);
    expect(a).toMatchObject({ kind: 'whole', count: 1, whole: true, width: 100, height: 160 });
    expect(Array.from(a.boxes)).toEqual([0, 0, 100, 160]); // the photo's own pixels
    expect(Array.from(a.crops)).toEqual([-30, 0, 160, 160]); // the longer side's square, centred
    expect(a.scores[0]).toBe(0); // no detector said it is a face
    expect(seen).toEqual([260]); // read from the padded copy, which is then closed
    expect(padded[0]?.closed).toBe(true);
    await engine.dispose();
  });

  describe('a photo: the whole image first, then its tiles', () => {
    // A 1280 x 900 photo: the whole image is one pass, its tiles the others (tiling.ts).
    const A = { x: 600, y: 200, width: 160, height: 160 };
    const B = { x: 900, y: 220, width: 150, height: 150 };
    const SMALL = { x: 100, y: 600, width: 40, height: 40 }; // left of both, seen only by a tile
    /** The whole photo shows A and B; the tiles see A and B again, framed a little differently, and a small face. */
    function tiledDetector(): Detector {
      return {
        detectImage: () => [],
        detectRegions: (regions) =>
          regions.length === 1 && regions[0]?.region.width === 1280
            ? [
                { box: A, score: 0.9 },
                { box: B, score: 0.8 },
              ]
            : [
                { box: { ...A, x: A.x + 6 }, score: 0.95 },
                { box: { ...B, y: B.y - 5 }, score: 0.85 },
                { box: SMALL, score: 0.7 },
              ],
        secondLook: () => 0.9, // every face is found again
        close() {},
      };
    }
    /** Each face's probabilities differ (so a face's row can be followed); counts the classifications. */
    function countingClassifier() {
      const calls: number[] = [];
      const c = fakeClassifier();
      c.classify = async (_p, boxes) => {
        calls.push(boxes.length);
        return boxes.map((b) => Float32Array.from([b.x / 10000, 0, 0, 0.5, 0, 0, 0]));
      };
      return { c, calls };
    }
    const canvas = class {
      getContext() {
        return new Proxy({}, { get: () => () => undefined });
      }
    };

    it('shows the faces of the whole photo first; the final result keeps them exactly and adds what only the tiles found after them', async () => {
      const { c, calls } = countingClassifier();
      const { d } = deps({ createDetector: async () => tiledDetector(), buildClassifier: async () => c });
      vi.stubGlobal('OffscreenCanvas', canvas);
      try {
        const engine = await Engine.create(CONFIG, () => undefined, d);
        const before = tf.memory().numTensors;
        const firsts: import('./api').Analysis[] = [];
        const last = await engine.analyse(bitmap(1280, 900), 'photo', (a) => firsts.push(a));
        expect(firsts).toHaveLength(1);
        const first = firsts[0]!;
        expect(first.count).toBe(2);
        expect(Array.from(first.boxes)).toEqual([...Object.values(A), ...Object.values(B)]);
        expect(last.count).toBe(3);
        // What was shown does not move: same order, boxes and probabilities; the new face comes after.
        expect(Array.from(last.boxes.slice(0, 8))).toEqual(Array.from(first.boxes));
        expect(Array.from(last.probs.slice(0, 14))).toEqual(Array.from(first.probs));
        expect(Array.from(last.crops.slice(0, 8))).toEqual(Array.from(first.crops));
        expect(Array.from(last.boxes.slice(8))).toEqual(Object.values(SMALL));
        // A tile saw A larger, with a higher score: A's score rises to it (its box stays).
        expect(first.scores[0]).toBeCloseTo(0.9);
        expect(last.scores[0]).toBeCloseTo(0.95);
        // Faces shown are classified once; the tiles' face alone after.
        expect(calls).toEqual([2, 1]);
        expect(tf.memory().numTensors).toBe(before);
        await engine.dispose();
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it('without a first-result callback the same faces come in the same order, classified in one batch', async () => {
      const { c, calls } = countingClassifier();
      const { d } = deps({ createDetector: async () => tiledDetector(), buildClassifier: async () => c });
      vi.stubGlobal('OffscreenCanvas', canvas);
      try {
        const engine = await Engine.create(CONFIG, () => undefined, d);
        const a = await engine.analyse(bitmap(1280, 900), 'photo');
        expect(Array.from(a.boxes)).toEqual([...Object.values(A), ...Object.values(B), ...Object.values(SMALL)]);
        expect(calls).toEqual([3]);
        await engine.dispose();
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it("the face check rules on a face's best score over the passes: one the whole photo scored too low to pass is shown once a tile scores it higher", async () => {
      // A: 0.55 in the whole photo, 0.7 in a tile, found again at 0.5 (0.55 + 0.5 < 1.1 <= 0.7 + 0.5).
      // P, a pattern: 0.6 in both, never found again. B: sure in both.
      const P = { x: 300, y: 500, width: 60, height: 60 };
      const detector: Detector = {
        detectImage: () => [],
        detectRegions: (regions) =>
          regions.length === 1 && regions[0]?.region.width === 1280
            ? [
                { box: A, score: 0.55 },
                { box: B, score: 0.9 },
                { box: P, score: 0.6 },
              ]
            : [
                { box: A, score: 0.7 },
                { box: B, score: 0.9 },
                { box: P, score: 0.6 },
              ],
        secondLook: (_i, _w, _h, box) => (box.x === A.x ? 0.5 : 0),
        close() {},
      };
      const { d } = deps({ createDetector: async () => detector });
      vi.stubGlobal('OffscreenCanvas', canvas);
      try {
        const engine = await Engine.create(CONFIG, () => undefined, d);
        const firsts: import('./api').Analysis[] = [];
        const last = await engine.analyse(bitmap(1280, 900), 'photo', (a) => firsts.push(a));
        expect(Array.from(firsts[0]?.boxes ?? [])).toEqual(Object.values(B)); // A not yet: 0.55 + 0.5
        expect(Array.from(last.boxes)).toEqual([...Object.values(B), ...Object.values(A)]); // B stays first; A comes at 0.7
        expect(last.scores[1]).toBeCloseTo(0.7);
        await engine.dispose();
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it('a photo too small for tiles gives no first result: its only pass is the final one', async () => {
      const { d } = deps({ createDetector: async () => tiledDetector() });
      vi.stubGlobal('OffscreenCanvas', canvas);
      try {
        const engine = await Engine.create(CONFIG, () => undefined, d);
        const firsts: unknown[] = [];
        await engine.analyse(bitmap(200, 150), 'photo', (a) => firsts.push(a));
        expect(firsts).toEqual([]);
        await engine.dispose();
      } finally {
        vi.unstubAllGlobals();
      }
    });
  });

  it("prepares a photo's first analysis once, step by step: a photo asked meanwhile goes between the steps", async () => {
    const { d, made } = deps();
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const runs: string[] = [];
    const c = made.classifiers[0]!;
    c.warmup = async (n = [], frame, sides = []) => {
      runs.push(`warm ${n.join()} ${frame?.join('x')} ${sides.join()}`);
      return 1;
    };
    const det = made.detectors[0]!;
    const detect = det.detectImage;
    det.detectImage = (image) => {
      runs.push('analysed');
      return detect(image);
    };
    const preparing = engine.prepare('photo');
    const frame = engine.analyse(bitmap(), 'frame');
    await Promise.all([preparing, frame]);
    // WebGL (CONFIG): the crop path at a photo's size at each level, with the bucket of 4 faces.
    expect(runs).toEqual(['warm 4 960x1280 200', 'analysed', 'warm 4 960x1280 400']);
    await engine.prepare('photo');
    expect(runs).toHaveLength(3); // once per engine
    await engine.dispose();
  });

  it('a failing warm-up is a backend failure and releases the model and detector', async () => {
    const { d, made } = deps({
      buildClassifier: async () => {
        const c = fakeClassifier();
        c.warmup = async () => Promise.reject(new Error('shader compile failed'));
        made.classifiers.push(c);
        return c;
      },
    });
    const err = (await Engine.create(CONFIG, () => undefined, d).catch((e: unknown) => e)) as EngineError;
    expect(err.part).toBe('backend');
    expect(made.classifiers[0]?.disposed).toBe(true);
    expect(made.detectors[0]?.closed).toBe(true);
  });

  it('setModel swaps only once the new model is warm; a failed one leaves the old one running', async () => {
    let fail = false;
    const { d, made } = deps({
      buildClassifier: async () => {
        if (fail) throw new Error('bad model');
        const c = fakeClassifier(`Fake ${made.classifiers.length + 1}`);
        made.classifiers.push(c);
        return c;
      },
    });
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const status = await engine.setModel('http://x/models/n/model.json', 'n');
    expect(status).toMatchObject({ modelId: 'n', model: { name: 'Fake 2' } });
    expect(made.classifiers[0]?.disposed).toBe(true);
    fail = true;
    const err = (await engine.setModel('http://x/models/bad/model.json', 'bad').catch((e: unknown) => e)) as EngineError;
    expect(err.part).toBe('model');
    expect(engine.status.modelId).toBe('n');
    expect((await engine.analyse(bitmap(), 'frame')).model).toBe('n');
    await engine.dispose();
  });

  it('dispose releases every tensor and the detector, and later calls reject', async () => {
    const before = tf.memory().numTensors;
    const { d, made } = deps();
    const engine = await Engine.create(CONFIG, () => undefined, d);
    await engine.analyse(bitmap(), 'frame');
    await engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(made.detectors[0]?.closed).toBe(true);
    const image = bitmap();
    await expect(engine.analyse(image, 'frame')).rejects.toThrow('disposed');
    expect(image.closed).toBe(true);
  });

  it('analyses run one at a time, in order', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { d } = deps({
      buildClassifier: async () => {
        const c = fakeClassifier();
        let calls = 0;
        c.classify = async (_p, boxes) => {
          const n = ++calls;
          order.push(`start ${n}`);
          if (n === 1) await gate;
          order.push(`end ${n}`);
          return boxes.map(() => new Float32Array(7));
        };
        return c;
      },
    });
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const first = engine.analyse(bitmap(), 'frame');
    const second = engine.analyse(bitmap(), 'frame');
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['start 1']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    await engine.dispose();
  });

  it('memory() counts what is held between analyses, not the tensors of a frame in flight', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { d } = deps({
      buildClassifier: async () => {
        const c = fakeClassifier();
        c.classify = async (_p, boxes) => {
          const scratch = tf.ones([2, 2]); // a frame's short-lived tensor, alive while the GPU answers
          await gate;
          scratch.dispose();
          return boxes.map(() => new Float32Array(7));
        };
        return c;
      },
    });
    const engine = await Engine.create(CONFIG, () => undefined, d);
    const settled = (await engine.memory()).tensors;
    const analysis = engine.analyse(bitmap(), 'frame');
    await new Promise((r) => setTimeout(r, 10));
    expect(tf.memory().numTensors).toBe(settled + 2); // the frame's pixels and its scratch tensor
    const during = engine.memory();
    release();
    await analysis;
    expect((await during).tensors).toBe(settled);
    await engine.dispose();
  });

  it('turns crops by the eye roll only for a model whose card says align', async () => {
    const eyes = { a: { x: 20, y: 20 }, b: { x: 40, y: 30 } }; // the image-right eye 10 px lower
    const seen: { rolls?: readonly number[]; boxes: readonly Box[] }[] = [];
    const run = async (align: boolean) => {
      const { d } = deps({
        createDetector: async () => ({ ...fakeDetector(), detectImage: () => [{ box: { x: 10, y: 10, width: 40, height: 40 }, score: 0.9, eyes }] }),
        buildClassifier: async () => {
          const c = fakeClassifier();
          (c as { metadata: ModelMetadata }).metadata = { ...META, preprocessing: { inputSize: 64, color: 'gray', crop: { scale: 1, offsetY: -0.1 }, align } } as ModelMetadata;
          c.classify = async (_p, boxes, rolls) => {
            seen.push({ boxes, ...(rolls && { rolls }) });
            return boxes.map(() => new Float32Array(7));
          };
          return c;
        },
      });
      const engine = await Engine.create(CONFIG, () => undefined, d);
      const a = await engine.analyse(bitmap(), 'frame');
      await engine.dispose();
      return a;
    };
    const straight = await run(false);
    expect(seen[0]?.rolls).toBeUndefined();
    expect(straight.rolls).toBeUndefined();
    const turned = await run(true);
    expect(seen[1]?.rolls?.[0]).toBeCloseTo(Math.atan2(10, 20));
    expect(turned.rolls?.[0]).toBeCloseTo(Math.atan2(10, 20));
    expect(seen[1]?.boxes[0]?.x).not.toBeCloseTo(seen[0]?.boxes[0]?.x as number); // the shift follows the face's axis
  });
});
