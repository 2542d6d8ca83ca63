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
 * The occlusion can also be searched coarse to fine (coarseToFineMap): what the app ships, chosen by
 * scripts/explain-check.ts (hiding what each map ranks highest must lower the answer most, and
 * masking a smiling face's mouth must lower "happy") against what each costs: docs/speed.md. The
 * gradient needs kernels TF.js's WebAssembly backend lacks. Pure apart from the tensors; nothing
 * here knows of the page.
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
  const out = sum.map((v, k) => (count[k] ? v / count[k] : 0));
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
export async function occlusionMap(predict: (batch: tf.Tensor4D) => tf.Tensor2D, crop: tf.Tensor4D, target?: number, opts: OcclusionOptions = DEFAULT_OCCLUSION, cells = 8): Promise<ExplanationMap> {
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

/** How the coarse-to-fine search runs (coarseToFineMap). */
export interface CoarseToFineOptions {
  /** Side of the first, coarse patches, px of the crop; they tile it without overlap. Default 16 (4 x 4 of them). */
  coarse: number;
  /** Side of the finer patches each of the `refine` coarse blocks that matter most is split into. Default 8. */
  fine: number;
  /** How many coarse blocks are searched again, finer. Default 2. */
  refine: number;
}

export const DEFAULT_COARSE_TO_FINE: CoarseToFineOptions = { coarse: 16, fine: 8, refine: 2 };

/** Hide each of `boxes` ([x, y, side] in crop px) in a copy of `crop` with its mean gray: [N, S, S, 1]. */
function hidden(crop: tf.Tensor4D, boxes: readonly (readonly [number, number, number])[]): tf.Tensor4D {
  const size = crop.shape[1];
  return tf.tidy(() => {
    const mask = new Float32Array(boxes.length * size * size);
    boxes.forEach(([x0, y0, side], k) => {
      for (let y = y0; y < y0 + side; y++) mask.fill(1, k * size * size + y * size + x0, k * size * size + y * size + x0 + side);
    });
    const m = tf.tensor4d(mask, [boxes.length, size, size, 1]);
    return tf.add(tf.mul(crop, tf.sub(1, m)), tf.mul(tf.mean(crop), m)) as tf.Tensor4D;
  });
}

/**
 * Occlusion searched coarse to fine, for fewer forward passes than a sliding patch: the crop as is,
 * its `coarse` blocks hidden one at a time (16 copies at the defaults), then each of the `refine`
 * blocks whose hiding lowered the answer most, split into `fine` blocks hidden one at a time (8
 * more). Three calls of `predict` (25 crops in all at the defaults, against 50 for the 7 x 7
 * sliding patch). A cell's value is its block's drop; inside a refined block, the block's drop
 * shared out in proportion to its finer blocks' drops, so the blocks rank as the coarse pass found
 * them and the finer pass says where inside them it matters. Scaled so the largest is 1.
 */
export async function coarseToFineMap(
  predict: (batch: tf.Tensor4D) => tf.Tensor2D,
  crop: tf.Tensor4D,
  target?: number,
  opts: CoarseToFineOptions = DEFAULT_COARSE_TO_FINE,
  cells = 8,
): Promise<ExplanationMap> {
  const size = crop.shape[1];
  const run = async (boxes: readonly (readonly [number, number, number])[], asIs: boolean) => {
    const batch = asIs ? crop : hidden(crop, boxes);
    const probs = predict(batch);
    if (batch !== crop) batch.dispose();
    const all = (await probs.data()) as Float32Array;
    probs.dispose();
    return all;
  };
  const n = size / opts.coarse;
  const blocks = Array.from({ length: n * n }, (_, b) => [(b % n) * opts.coarse, Math.floor(b / n) * opts.coarse, opts.coarse] as const);
  // The crop as is in a call of its own: batches of 1, 16 and 8, sizes a GPU backend pads nothing to.
  const base = await run([], true);
  const k = base.length;
  let t = target ?? 0;
  if (target === undefined) for (let c = 1; c < k; c++) if ((base[c] ?? 0) > (base[t] ?? 0)) t = c;
  const p = base[t] ?? 0;
  const first = await run(blocks, false);
  const drop = blocks.map((_, b) => Math.max(0, p - (first[b * k + t] ?? 0)));
  // Per pixel of the crop first (the finest grid either pass sees), then pooled into `cells`.
  const map = new Float32Array(size * size);
  const paint = ([x0, y0, side]: readonly [number, number, number], v: number) => {
    for (let y = y0; y < y0 + side; y++) map.fill(v, y * size + x0, y * size + x0 + side);
  };
  blocks.forEach((b, i) => paint(b, drop[i] ?? 0));
  const chosen = [...drop.keys()]
    .sort((a, b) => (drop[b] ?? 0) - (drop[a] ?? 0))
    .slice(0, opts.refine)
    .filter((b) => (drop[b] ?? 0) > 0);
  if (chosen.length && opts.fine < opts.coarse) {
    const m = opts.coarse / opts.fine;
    const finer = chosen.flatMap((b) => {
      const [x0, y0] = blocks[b] as readonly [number, number, number];
      return Array.from({ length: m * m }, (_, f) => [x0 + (f % m) * opts.fine, y0 + Math.floor(f / m) * opts.fine, opts.fine] as const);
    });
    const second = await run(finer, false);
    chosen.forEach((b, c) => {
      const parts = finer.slice(c * m * m, (c + 1) * m * m);
      const drops = parts.map((_, f) => Math.max(0, p - (second[(c * m * m + f) * k + t] ?? 0)));
      const total = drops.reduce((a, d) => a + d, 0);
      // Shared out by the finer drops (evenly when none of them alone lowered the answer).
      parts.forEach((part, f) => paint(part, (drop[b] ?? 0) * (total > 0 ? (drops[f] ?? 0) / total : 1 / (m * m)) * m * m));
    });
  }
  const pooled = poolToCells(map, size, cells).map((v) => v / ((size / cells) * (size / cells)));
  return { method: 'occlusion', target: t, probability: p, cells, values: normalise(pooled) };
}

/**
 * Gradient x input of `logits` (a batch of crops -> pre-softmax scores, or log-probabilities) for
 * class `target`: |grad * input| per pixel, summed per cell. Needs gradient kernels on the backend.
 */
export async function gradientMap(logits: (batch: tf.Tensor4D) => tf.Tensor2D, crop: tf.Tensor4D, target: number, probability: number, cells = 8): Promise<ExplanationMap> {
  const size = crop.shape[1];
  const saliency = tf.tidy(() => {
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(logits(x as tf.Tensor4D), [0, target], [-1, 1])))(crop);
    return tf.abs(tf.mul(grad, crop)).reshape([size * size]);
  });
  const map = (await saliency.data()) as Float32Array;
  saliency.dispose();
  return { method: 'gradient', target, probability, cells, values: normalise(poolToCells(map, size, cells)) };
}
