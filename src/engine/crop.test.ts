import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropFaces, cropRegion, halfPixelBox, pyramidLevel, samplesOutside, squareCrop } from './crop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('squareCrop', () => {
  const cfg = { scale: 1.5, offsetY: 0 };

  it('is a square of scale x the larger side, centred on the face', () => {
    const c = squareCrop({ x: 100, y: 100, width: 40, height: 60 }, 1000, 1000, cfg);
    expect(c).toEqual({ x: 75, y: 85, width: 90, height: 90 });
  });

  it('shifts the centre by offsetY x side', () => {
    const c = squareCrop({ x: 100, y: 100, width: 40, height: 40 }, 1000, 1000, { scale: 2, offsetY: 0.1 });
    expect(c.y).toBeCloseTo(80 + 8);
  });

  it('is shifted inside the image rather than cut when it sticks out', () => {
    const c = squareCrop({ x: 0, y: 5, width: 40, height: 40 }, 200, 100, cfg);
    expect(c).toEqual({ x: 0, y: 0, width: 60, height: 60 });
    const r = squareCrop({ x: 180, y: 70, width: 20, height: 30 }, 200, 100, cfg);
    expect(r.x + r.width).toBe(200);
    expect(r.y + r.height).toBe(100);
  });

  it('shrinks to the shorter image side when it cannot fit, staying square', () => {
    const c = squareCrop({ x: 10, y: 10, width: 80, height: 80 }, 300, 100, cfg);
    expect(c.width).toBe(100);
    expect(c.height).toBe(100);
    expect(c.y).toBe(0);
    expect(c.x).toBeCloseTo(0);
  });
});

describe('pyramidLevel', () => {
  it('halves until the crop reaches 64 px, never below, capped', () => {
    expect([32, 64, 65, 128, 129, 400, 5000].map((s) => pyramidLevel(s, 64))).toEqual([0, 0, 1, 1, 2, 3, 4]);
  });
});

describe('halfPixelBox', () => {
  it('maps an identity crop to samples at pixel centres of a padded image', () => {
    // 4 px wide image, 4 samples: sample i must land on pixel i (+1 for the pad).
    const [, x1, , x2] = halfPixelBox({ x: 0, y: 0, width: 4, height: 4 }, 4, 4, 4);
    expect(x1 * 5).toBeCloseTo(1);
    expect(x2 * 5).toBeCloseTo(4);
  });
});

describe('samplesOutside', () => {
  it('is true only for an upsampled crop touching the image edge', () => {
    expect(samplesOutside({ x: 0, y: 0, width: 48, height: 48 }, 48, 48, 64)).toBe(true);
    expect(samplesOutside({ x: 10, y: 10, width: 48, height: 48 }, 100, 100, 64)).toBe(false);
    expect(samplesOutside({ x: 0, y: 0, width: 256, height: 256 }, 256, 256, 256)).toBe(false);
  });
});

describe('cropFaces', () => {
  it('upsamples a whole 48 px face exactly as the training resize (bilinear, half-pixel)', () => {
    const img = tf.randomUniform([48, 48, 1], 0, 255, 'float32', 1) as tf.Tensor3D;
    const got = cropFaces(img, [{ x: 0, y: 0, width: 48, height: 48 }]);
    const want = tf.div(tf.image.resizeBilinear(tf.expandDims(img, 0) as tf.Tensor4D, [64, 64], false, true), 255);
    expect(got.shape).toEqual([1, 64, 64, 1]);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-4);
  });

  it('antialiases: a 1 px checkerboard shrunk 4x becomes flat grey, not a moire', () => {
    const n = 256;
    const data = new Float32Array(n * n).map((_, i) => ((Math.floor(i / n) + (i % n)) % 2) * 255);
    const img = tf.tensor3d(data, [n, n, 1]);
    const out = cropFaces(img, [{ x: 0, y: 0, width: n, height: n }]);
    const values = out.dataSync();
    expect(Math.min(...values)).toBeGreaterThan(0.45);
    expect(Math.max(...values)).toBeLessThan(0.55);
  });

  it('converts RGB with the contract luma, keeps box order across pyramid levels, leaks no tensor', () => {
    const rgb = tf.tidy(() => tf.concat([tf.fill([300, 300, 1], 200), tf.fill([300, 300, 1], 100), tf.fill([300, 300, 1], 0)], 2)) as tf.Tensor3D;
    // Left half brighter in red so the two crops differ.
    const before = tf.memory().numTensors;
    const boxes = [
      { x: 0, y: 0, width: 300, height: 300 }, // level 3
      { x: 10, y: 10, width: 40, height: 40 }, // level 0
      { x: 50, y: 50, width: 100, height: 100 }, // level 1
    ];
    const out = cropFaces(rgb, boxes);
    expect(out.shape).toEqual([3, 64, 64, 1]);
    const v = out.dataSync();
    const expected = (0.299 * 200 + 0.587 * 100) / 255;
    expect(Math.abs((v[0] as number) - expected)).toBeLessThan(1e-4);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    rgb.dispose();
  });

  it('puts each face at its own index when levels interleave', () => {
    // Three flat regions of different brightness; boxes listed small, big, small.
    const img = tf.tidy(() => tf.concat([tf.fill([200, 100, 1], 10), tf.fill([200, 100, 1], 120), tf.fill([200, 100, 1], 250)], 1)) as tf.Tensor3D;
    const boxes = [
      { x: 110, y: 10, width: 30, height: 30 }, // 120, level 0
      { x: 0, y: 0, width: 90, height: 90 }, // 10, level 1
      { x: 210, y: 10, width: 40, height: 40 }, // 250, level 0
    ];
    const means = tf.mean(cropFaces(img, boxes), [1, 2, 3]).dataSync();
    expect(Array.from(means).map((m) => Math.round(m * 255))).toEqual([120, 10, 250]);
  });

  it('an interior crop (no border needed) matches the same crop taken from a padded image', () => {
    const img = tf.randomUniform([120, 160, 3], 0, 255, 'float32', 2) as tf.Tensor3D;
    const inner = cropFaces(img, [{ x: 30, y: 20, width: 70, height: 70 }]);
    const edge = cropFaces(img, [
      { x: 30, y: 20, width: 70, height: 70 },
      { x: 0, y: 0, width: 40, height: 40 },
    ]); // forces the border
    expect(tf.max(tf.abs(tf.sub(inner, edge.slice([0, 0, 0, 0], [1, -1, -1, -1])))).dataSync()[0]).toBeLessThan(1e-4);
  });

  it('returns an empty batch for no faces', () => {
    expect(cropFaces(tf.zeros([10, 10, 3]) as tf.Tensor3D, []).shape).toEqual([0, 64, 64, 1]);
  });
});

describe('cropRegion', () => {
  /** A photo of noise: any difference in what is sampled shows. */
  const photo = (w: number, h: number) => tf.tidy(() => tf.randomUniform([h, w, 3], 0, 255, 'float32', 7).round()) as tf.Tensor3D;
  const read = (pixels: tf.Tensor3D, box: { x: number; y: number; width: number; height: number }, roll?: number) => {
    const out = cropFaces(pixels, [box], 64, roll ? [roll] : undefined);
    const values = out.dataSync();
    out.dispose();
    return values;
  };

  it('reads a face as the whole photo does, straight or turned, inside the photo or reaching past its edge', () => {
    const image = photo(320, 240);
    const cases: [{ x: number; y: number; width: number; height: number }, number][] = [
      [{ x: 100.3, y: 60.7, width: 90, height: 90 }, 0], // inside, downscaled
      [{ x: 140, y: 100, width: 40, height: 40 }, 0], // upsampled
      [{ x: -20.5, y: 150, width: 120, height: 120 }, 0], // past the left and bottom edges
      [{ x: 120, y: 50, width: 100, height: 100 }, 0.3], // turned
      [{ x: 250, y: -10, width: 90, height: 90 }, -0.2], // turned, past the edge
    ];
    for (const [box, roll] of cases) {
      const region = cropRegion(box, roll, 320, 240);
      const part = tf.tidy(() => image.slice([region.y, region.x, 0], [region.height, region.width, 3]));
      const local = { ...box, x: box.x - region.x, y: box.y - region.y };
      const whole = read(image, box, roll);
      const cut = read(part, local, roll);
      let worst = 0;
      for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs((whole[i] as number) - (cut[i] as number)));
      expect(worst, JSON.stringify(box)).toBeLessThan(1e-4);
      part.dispose();
    }
    image.dispose();
  });

  it('is the bounding box of the turned square with its margin, in whole pixels, cut to the image', () => {
    expect(cropRegion({ x: 10.5, y: 20.2, width: 50, height: 50 }, 0, 640, 480)).toEqual({ x: 8, y: 18, width: 55, height: 55 });
    const turned = cropRegion({ x: 100, y: 100, width: 100, height: 100 }, Math.PI / 4, 640, 480, 0);
    expect(turned.width).toBe(Math.ceil(150 + 50 * Math.SQRT2) - Math.floor(150 - 50 * Math.SQRT2)); // the diagonal
    expect(cropRegion({ x: -30, y: 400, width: 100, height: 100 }, 0, 640, 480)).toEqual({ x: 0, y: 398, width: 72, height: 82 });
  });
});
