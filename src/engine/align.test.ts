import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { eyeRoll, MAX_ROLL, rollTransform } from './align';
import { cropFaces, rolledSquare, squareCrop } from './crop';

/** Where output pixel (u, v) of the turned square samples the image. */
function rollPoint(square: { x: number; y: number; width: number; height: number }, roll: number, n: number, u: number, v: number) {
  const [a0, a1, a2, b0, b1, b2] = rollTransform(square, roll, n);
  return { x: a0 * u + a1 * v + a2, y: b0 * u + b1 * v + b2 };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('eyeRoll', () => {
  it('is the angle of the eye line, whatever order the eyes come in', () => {
    const a = { x: 100, y: 100 };
    const b = { x: 140, y: 140 * 0 + 100 + 40 * Math.tan(Math.PI / 9) };
    expect(eyeRoll({ a, b })).toBeCloseTo(Math.PI / 9);
    expect(eyeRoll({ a: b, b: a })).toBeCloseTo(Math.PI / 9);
    expect(eyeRoll({ a: { x: 0, y: 10 }, b: { x: 30, y: 0 } })).toBeCloseTo(-Math.atan2(10, 30));
  });

  it('is 0 without eyes, and never beyond MAX_ROLL', () => {
    expect(eyeRoll(undefined)).toBe(0);
    expect(eyeRoll({ a: { x: 5, y: 5 }, b: { x: 5, y: 5 } })).toBe(0);
    expect(eyeRoll({ a: { x: 0, y: 0 }, b: { x: 1, y: 10 } })).toBeCloseTo(MAX_ROLL);
  });
});

describe('rollTransform', () => {
  it('at roll 0 samples the half-pixel centres of the square', () => {
    const sq = { x: 10, y: 20, width: 32, height: 32 };
    // Output pixel u of 16 samples the square at x + (u + 0.5) * 2 - 0.5 in pixel-index coordinates.
    expect(rollPoint(sq, 0, 16, 0, 0)).toEqual({ x: 10.5, y: 20.5 });
    expect(rollPoint(sq, 0, 16, 15, 15)).toEqual({ x: 40.5, y: 50.5 });
  });

  it('turns about the square centre: the output row through the centre follows the roll', () => {
    const sq = { x: 0, y: 0, width: 64, height: 64 };
    const roll = Math.PI / 6;
    const centre = rollPoint(sq, roll, 64, 31.5, 31.5);
    expect(centre.x).toBeCloseTo(31.5);
    expect(centre.y).toBeCloseTo(31.5);
    const right = rollPoint(sq, roll, 64, 63.5, 31.5);
    expect(Math.atan2(right.y - centre.y, right.x - centre.x)).toBeCloseTo(roll);
  });
});

describe('rolledSquare', () => {
  it('is squareCrop at roll 0, and keeps its side and the face centre line when turned', () => {
    const face = { x: 100, y: 100, width: 60, height: 60 };
    expect(rolledSquare(face, 0, 640, 480)).toEqual(squareCrop(face, 640, 480));
    const turned = rolledSquare(face, 0.3, 640, 480, { scale: 1.2, offsetY: -0.1 });
    expect(turned.width).toBeCloseTo(72);
    // The centre moved up along the face's own axis: up and toward the side the head leans from.
    const cx = turned.x + 36;
    const cy = turned.y + 36;
    expect(Math.atan2(cx - 130, -(cy - 130))).toBeCloseTo(0.3);
  });
});

describe('cropFaces with a roll', () => {
  it('cuts an unturned face exactly as the straight path does (transform = cropAndResize)', () => {
    const img = tf.randomUniform([90, 120, 3], 0, 255, 'float32', 7) as tf.Tensor3D;
    for (const box of [
      { x: 10, y: 5, width: 70, height: 70 },
      { x: 0, y: 0, width: 90, height: 90 },
      { x: 50, y: 10, width: 70, height: 70 },
      { x: 20, y: 20, width: 40, height: 40 },
    ]) {
      const straight = cropFaces(img, [box]);
      const viaTransform = cropFaces(img, [box], 64, [1e-12]); // a roll that turns nothing, taking the transform path
      expect(tf.max(tf.abs(tf.sub(straight, viaTransform))).dataSync()[0]).toBeLessThan(2e-3);
    }
  });

  it('levels a tilted pair of eyes: both land on one output row', () => {
    // Two bright dots on a dark image, the line through them 25 degrees down to the right.
    const size = 128;
    const roll = (25 * Math.PI) / 180;
    const c = { x: 64, y: 64 };
    const half = 24;
    const eyeA = { x: c.x - half * Math.cos(roll), y: c.y - half * Math.sin(roll) };
    const eyeB = { x: c.x + half * Math.cos(roll), y: c.y + half * Math.sin(roll) };
    const data = new Float32Array(size * size);
    for (const e of [eyeA, eyeB]) for (let y = -2; y <= 2; y++) for (let x = -2; x <= 2; x++) data[(Math.round(e.y) + y) * size + Math.round(e.x) + x] = 255;
    const img = tf.tensor3d(data, [size, size, 1]);
    const square = { x: 0, y: 0, width: size, height: size };
    const found = eyeRoll({ a: eyeB, b: eyeA });
    expect(found).toBeCloseTo(roll, 1);
    const out = cropFaces(img, [square], 64, [found]).reshape([64, 64]).arraySync() as number[][];
    const peak = (cols: [number, number]) => {
      let best = { v: -1, row: -1 };
      out.forEach((row, r) => row.slice(...cols).forEach((v) => v > best.v && (best = { v, row: r })));
      return best.row;
    };
    expect(Math.abs(peak([0, 32]) - peak([32, 64]))).toBeLessThanOrEqual(1);
    // Unturned, the same dots are ~10 rows apart: the test can tell a level crop from a tilted one.
    const flat = cropFaces(img, [square], 64).reshape([64, 64]).arraySync() as number[][];
    const rowOf = (cols: [number, number]) => flat.map((r) => Math.max(...r.slice(...cols))).indexOf(Math.max(...flat.map((r) => Math.max(...r.slice(...cols)))));
    expect(Math.abs(rowOf([0, 32]) - rowOf([32, 64]))).toBeGreaterThan(8);
  });

  it('keeps the order of a mixed batch of turned and straight faces', () => {
    const img = tf.randomUniform([80, 80, 1], 0, 255, 'float32', 3) as tf.Tensor3D;
    const boxes = [
      { x: 0, y: 0, width: 40, height: 40 },
      { x: 30, y: 30, width: 40, height: 40 },
      { x: 10, y: 10, width: 60, height: 60 },
    ];
    const mixed = cropFaces(img, boxes, 64, [0, 0.2, 0]);
    expect(tf.max(tf.abs(tf.sub(mixed.slice([0], [1]), cropFaces(img, [boxes[0]!])))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(mixed.slice([1], [1]), cropFaces(img, [boxes[1]!], 64, [0.2])))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(mixed.slice([2], [1]), cropFaces(img, [boxes[2]!])))).dataSync()[0]).toBeLessThan(1e-5);
  });
});
