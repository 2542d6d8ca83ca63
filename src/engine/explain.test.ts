import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { coarseToFineMap, dropsToCells, gradientMap, occludedBatch, occlusionMap, patchPositions } from './explain';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A 64 x 64 crop: dark, with a bright "mouth" at rows 44-55, columns 20-43 (cells (5..6, 2..5) of an 8 x 8 grid). */
function face(): tf.Tensor4D {
  const px = new Float32Array(64 * 64).fill(0.2);
  for (let y = 44; y < 56; y++) for (let x = 20; x < 44; x++) px[y * 64 + x] = 0.9;
  return tf.tensor4d(px, [1, 64, 64, 1]);
}
/** Its mask: 1 on the mouth. */
const mouth = () => tf.tidy(() => tf.greater(face(), 0.5).cast('float32') as tf.Tensor4D);

/** A model whose class 3 ("happy") rises with the brightness of the mouth region alone. */
function mouthModel(batch: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = mouth();
    const score = tf.div(tf.sum(tf.mul(batch, m), [1, 2, 3]), tf.sum(m)); // mean brightness of the mouth, per crop
    const logit3 = tf.mul(tf.sub(score, 0.5), 12);
    const z = tf.stack([tf.zerosLike(logit3), tf.zerosLike(logit3), tf.zerosLike(logit3), logit3, tf.zerosLike(logit3), tf.zerosLike(logit3), tf.zerosLike(logit3)], 1);
    return tf.softmax(z) as tf.Tensor2D;
  });
}

const argmaxCell = (v: Float32Array) => v.indexOf(Math.max(...v));
const inMouth = (cell: number) => Math.floor(cell / 8) >= 5 && Math.floor(cell / 8) <= 6 && cell % 8 >= 2 && cell % 8 <= 5;

describe('explain', () => {
  it('places patches over the whole crop, the last one flush with its edge', () => {
    expect(patchPositions(64, 16, 8)).toEqual([0, 8, 16, 24, 32, 40, 48]);
    expect(patchPositions(64, 12, 8)).toEqual([0, 8, 16, 24, 32, 40, 48, 52]);
  });

  it('hides each patch with the crop mean, the first row being the crop as is', () => {
    const crop = face();
    const { batch, positions } = occludedBatch(crop, { patch: 16, stride: 16 });
    expect(positions).toEqual([0, 16, 32, 48]);
    expect(batch.shape).toEqual([17, 64, 64, 1]);
    const rows = batch.arraySync() as number[][][][];
    const mean = tf.mean(crop).arraySync() as number;
    expect(rows[0]![50]![30]![0]).toBeCloseTo(0.9);
    expect(rows[1 + 3 * 4 + 1]![50]![30]![0]).toBeCloseTo(mean); // patch (x 16, y 48) covers (30, 50)
    expect(rows[1 + 3 * 4 + 1]![10]![30]![0]).toBeCloseTo(0.2); // elsewhere untouched
    tf.dispose([crop, batch]);
  });

  it('occlusion: the map of a model that reads only the mouth peaks on the mouth, and leaves no tensor behind', async () => {
    const crop = face();
    const before = tf.memory().numTensors;
    const map = await occlusionMap(mouthModel, crop);
    expect(tf.memory().numTensors).toBe(before);
    expect(map.target).toBe(3);
    expect(map.values).toHaveLength(64);
    expect(inMouth(argmaxCell(map.values))).toBe(true);
    expect(Math.max(...map.values)).toBe(1);
    expect(map.values[0]).toBe(0); // the top-left corner does not matter
    const outside = [...map.values].filter((_, c) => !inMouth(c) && (Math.floor(c / 8) < 4 || Math.floor(c / 8) > 7));
    expect(Math.max(...outside)).toBeLessThan(0.05);
    crop.dispose();
  });

  it('coarse to fine: the same model, the same peak, in 25 crops through the model (50 for the sliding patch), nothing left behind', async () => {
    const crop = face();
    const before = tf.memory().numTensors;
    const sizes: number[] = [];
    const map = await coarseToFineMap((b) => {
      sizes.push(b.shape[0]);
      return mouthModel(b);
    }, crop);
    expect(tf.memory().numTensors).toBe(before);
    expect(sizes).toEqual([1, 16, 8]); // the crop, its 16 blocks, then 2 blocks in 4 finer parts each
    expect(map).toMatchObject({ method: 'occlusion', target: 3, cells: 8 });
    expect(inMouth(argmaxCell(map.values))).toBe(true);
    expect(Math.max(...map.values)).toBe(1);
    expect(map.values[0]).toBe(0);
    // Where the mouth is not, nothing: rows 0-3 hold no mouth pixel.
    expect(Math.max(...[...map.values].slice(0, 32))).toBe(0);
    crop.dispose();
  });

  it('coarse to fine: the finer pass says where inside a block it matters', async () => {
    // A model that reads one 8 x 8 patch only (rows 48-55, columns 16-23: cell (6, 2)).
    const spot = (batch: tf.Tensor4D) =>
      tf.tidy(() => {
        const s = tf.mean(tf.slice(batch, [0, 48, 16, 0], [-1, 8, 8, 1]), [1, 2, 3]);
        const l = tf.mul(tf.sub(s, 0.5), 12);
        const z = tf.zerosLike(l);
        return tf.softmax(tf.stack([z, z, z, l, z, z, z], 1)) as tf.Tensor2D;
      });
    const crop = face();
    const map = await coarseToFineMap(spot, crop, 3);
    expect(argmaxCell(map.values)).toBe(6 * 8 + 2);
    // The other three cells of its 16 px block (rows 48-63, columns 16-31) count for less.
    for (const c of [6 * 8 + 3, 7 * 8 + 2, 7 * 8 + 3]) expect(map.values[c]!).toBeLessThan(0.5);
    crop.dispose();
  });

  it('gradient x input: the same model, the same peak', async () => {
    const crop = face();
    const before = tf.memory().numTensors;
    const map = await gradientMap((x) => tf.log(mouthModel(x)), crop, 3, 0.5);
    expect(tf.memory().numTensors).toBe(before);
    expect(inMouth(argmaxCell(map.values))).toBe(true);
    expect(map.values[0]).toBe(0);
    crop.dispose();
  });

  it('a patch that raises the answer counts as nothing; nothing lowering it gives an all-zero map', () => {
    const positions = [0, 32];
    const cells = dropsToCells([0.4, -0.3, 0, 0], positions, 32, 64, 4);
    expect(cells[0]).toBe(1); // top-left quadrant: the drop of 0.4, scaled to 1
    expect(cells[3]).toBe(0); // top-right: it raised the answer
    expect([...dropsToCells([-0.1, -0.2, 0, 0], positions, 32, 64, 4)].every((v) => v === 0)).toBe(true);
  });
});
