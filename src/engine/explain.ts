/**
 * "Why this emotion": which regions of a face's 64 x 64 crop drive the model's answer. Two
 * methods, each a map over a grid of cells of the crop, values in [0, 1] (1: the region that
 * matters most), the same shape whatever the method:
 *
 * - occlusion sensitivity (Zeiler & Fergus, 2014): a patch of the crop's own mean gray slides
 *   over the crop; a cell's value is how much hiding the patches over it lowers the probability of
 *   the emotion explained. Every occluded copy goes through the model in one batch, on whatever
 *   backend runs (a forward pass only).
 * - gradient x input (Shrikumar et al., 2016): |d logit / d pixel * pixel| summed per cell; one
 *   backward pass, on the backends whose kernels have gradients.
 *
 * Which one the app shows was measured (scripts/explain-check.ts: hiding what each map ranks
 * highest must lower the answer most, and masking a smiling face's mouth must lower "happy"):
 * see README "What it does". Pure apart from the tensors; nothing here knows of the page.
 */
import * as tf from '@tensorflow/tfjs';

export type ExplainMethod = 'occlusion' | 'gradient';

export interface OcclusionOptions {
  /** Side of the hiding patch, px of the crop. Default 16 (a quarter of it: an eye, the mouth). */
  patch: number;
  /** Step between patch positions, px. Default 8 (patches overlap by half). */
  stride: number;
}

export const DEFAULT_OCCLUSION: OcclusionOptions = { patch: 16, stride: 8 };

/** A map over the crop: `cells` x `cells` values in [0, 1], row-major (top row first). */
export interface ExplanationMap {
  method: ExplainMethod;
  /** The class explained (app class index). */
  target: number;
  /** Its probability on the crop as is. */
  probability: number;
  cells: number;
  values: Float32Array;
}

/** Patch positions along one side of a `size` crop: 0, stride, ... with the last flush with the end. */
export function patchPositions(size: number, patch: number, stride: number): number[] {
  const out: number[] = [];
  for (let p = 0; p + patch <= size; p += stride) out.push(p);
  if (out[out.length - 1] !== size - patch) out.push(size - patch);
  return out;
}

/**
 * The crop and its occluded copies, [1 + P*P, S, S, 1]: row 0 is the crop as is, row 1 + j*P + i
 * hides the patch at (positions[i], positions[j]) with the crop's mean gray.
 */
export function occludedBatch(crop: tf.Tensor4D, opts: OcclusionOptions = DEFAULT_OCCLUSION): { batch: tf.Tensor4D; positions: number[] } {
  const size = crop.shape[1];
  const positions = patchPositions(size, opts.patch, opts.stride);
  const batch = tf.tidy(() => {
    const mean = tf.mean(crop);
    const masks: tf.Tensor2D[] = [];
    for (const y of positions) {
      for (const x of positions) {
        // 1 inside the patch, 0 elsewhere: (S, S)
        const rows = tf.logicalAnd(tf.greaterEqual(tf.range(0, size), y), tf.less(tf.range(0, size), y + opts.patch));
        const cols = tf.logicalAnd(tf.greaterEqual(tf.range(0, size), x), tf.less(tf.range(0, size), x + opts.patch));
        masks.push(tf.cast(tf.logicalAnd(rows.expandDims(1), cols.expandDims(0)), 'float32') as tf.Tensor2D);
      }
    }
    const m = tf.stack(masks).expandDims(3) as tf.Tensor4D; // (P*P, S, S, 1)
    const copies = tf.add(tf.mul(crop, tf.sub(1, m)), tf.mul(mean, m)) as tf.Tensor4D;
    return tf.concat([crop, copies], 0) as tf.Tensor4D;
  });
  return { batch, positions };
}

/**
 * Patch drops -> a cell map: each cell of a `cells` grid over the crop gets the mean drop of the
 * patches that cover it, clipped at 0 (a patch that raises the answer explains nothing of it) and
 * scaled so the largest is 1 (all 0 when nothing lowers it).
 */
export function dropsToCells(drops: ArrayLike<number>, positions: readonly number[], patch: number, size: number, cells: number): Float32Array {
  const sum = new Float32Array(cells * cells);
  const count = new Float32Array(cells * cells);
  const cell = size / cells;
  const n = positions.length;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const d = Math.max(0, drops[j * n + i] ?? 0);
      const x0 = positions[i] as number;
      const y0 = positions[j] as number;
      for (let cy = 0; cy < cells; cy++) {
        const yc = (cy + 0.5) * cell;
        if (yc < y0 || yc >= y0 + patch) continue;
        for (let cx = 0; cx < cells; cx++) {
          const xc = (cx + 0.5) * cell;
          if (xc < x0 || xc >= x0 + patch) continue;
          sum[cy * cells + cx]! += d;
          count[cy * cells + cx]! += 1;
        }
      }
    }
  }
  const out = sum.map((v, k) => (count[k] ? v / (count[k] as number) : 0));
  return normalise(out);
}

/** Scaled so the largest value is 1 (all 0 stays 0). */
export function normalise(values: Float32Array): Float32Array {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max > 0 ? values.map((v) => v / max) : values;
}

/** Sum a (S, S) map into a `cells` x `cells` grid (S divisible by cells). */
export function poolToCells(map: Float32Array, size: number, cells: number): Float32Array {
  const out = new Float32Array(cells * cells);
  const cell = size / cells;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[Math.floor(y / cell) * cells + Math.floor(x / cell)]! += map[y * size + x] ?? 0;
  return out;
}

/**
 * Occlusion sensitivity of `predict` (a batch of crops -> probabilities) for class `target` (the
 * top class of the crop when omitted). One call of `predict` on 1 + P*P crops.
 */
export async function occlusionMap(
  predict: (batch: tf.Tensor4D) => tf.Tensor2D,
  crop: tf.Tensor4D,
  target?: number,
  opts: OcclusionOptions = DEFAULT_OCCLUSION,
  cells = 8,
): Promise<ExplanationMap> {
  const { batch, positions } = occludedBatch(crop, opts);
  const probs = predict(batch);
  batch.dispose();
  const all = (await probs.data()) as Float32Array;
  probs.dispose();
  const k = all.length / (1 + positions.length * positions.length);
  const base = all.subarray(0, k);
  let t = target ?? 0;
  if (target === undefined) for (let c = 1; c < k; c++) if ((base[c] ?? 0) > (base[t] ?? 0)) t = c;
  const p = base[t] ?? 0;
  const drops = new Float32Array(positions.length * positions.length).map((_, r) => p - (all[(1 + r) * k + t] ?? 0));
  return { method: 'occlusion', target: t, probability: p, cells, values: dropsToCells(drops, positions, opts.patch, crop.shape[1], cells) };
}

/**
 * Gradient x input of `logits` (a batch of crops -> pre-softmax scores, or log-probabilities) for
 * class `target`: |grad * input| per pixel, summed per cell. Needs gradient kernels on the backend.
 */
export async function gradientMap(
  logits: (batch: tf.Tensor4D) => tf.Tensor2D,
  crop: tf.Tensor4D,
  target: number,
  probability: number,
  cells = 8,
): Promise<ExplanationMap> {
  const size = crop.shape[1];
  const saliency = tf.tidy(() => {
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(logits(x as tf.Tensor4D), [0, target], [-1, 1])))(crop);
    return tf.abs(tf.mul(grad, crop)).reshape([size * size]);
  });
  const map = (await saliency.data()) as Float32Array;
  saliency.dispose();
  return { method: 'gradient', target, probability, cells, values: normalise(poolToCells(map, size, cells)) };
}
