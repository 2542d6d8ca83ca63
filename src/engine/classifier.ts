/**
 * ResEmoteNet as a TF.js graph model: load (with its self-description), warm up, and classify all
 * faces of a frame in one call. On WebGL/WebGPU a batch is padded up to one of a few sizes
 * (GPU_BATCHES), so they compile the model's shaders for those shapes once instead of once per face
 * count; WebAssembly and the CPU backend compile nothing and run the exact count.
 */
import * as tf from '@tensorflow/tfjs';
import { type Box, cropFaces } from './crop';
import { classIndexMap, NUM_EMOTIONS } from './emotions';
import { errorMessage } from './errorMessage';
import { coarseToFineMap, type ExplanationMap } from './explain';
import { fetchModelArtifacts, type LoadProgress, ModelLoadError } from './modelLoader';
import { type ModelMetadata, ModelFormatError, parseMetadata } from './modelFormat';

export type { ModelMetadata } from './modelFormat';

export const MAX_BATCH = 32;

/**
 * The batch sizes the GPU backends run the model at. Each one is a whole set of shaders to compile
 * (71 WebGL programs for ResEmoteNet-S5; bench:engine counts them), so there is no 2: two or three
 * faces run as four, which costs a GPU next to nothing at 64x64 and saves that set at warm-up.
 */
export const GPU_BATCHES: readonly number[] = [1, 4, 8, 16, MAX_BATCH];

/** The batch size a GPU backend runs `n` faces at (n <= MAX_BATCH). */
export function batchBucket(n: number): number {
  return GPU_BATCHES.find((b) => b >= n) ?? MAX_BATCH;
}

/** Whether the active backend compiles a shader per shape (so batches are padded to a bucket). */
function compilesPerShape(): boolean {
  const backend = tf.getBackend();
  return backend === 'webgl' || backend === 'webgpu';
}

export class EmotionClassifier {
  private disposed = false;

  private constructor(
    private readonly model: tf.GraphModel,
    readonly metadata: ModelMetadata,
    /** Output column for each app class; null when the model already uses the app order. */
    private readonly reorder: number[] | null,
  ) {
    this.flip = metadata.testTime?.flip === true;
  }

  static async fromArtifacts(artifacts: tf.io.ModelArtifacts): Promise<EmotionClassifier> {
    let metadata: ModelMetadata;
    try {
      metadata = parseMetadata(artifacts.userDefinedMetadata);
    } catch (err) {
      throw err instanceof ModelFormatError ? new ModelLoadError(err.message) : err;
    }
    const map = classIndexMap(metadata.classes);
    // Built by hand rather than tf.loadGraphModel, so that a model that fails half way (an
    // unsupported op, a bad shape) releases the weight tensors it had already made.
    const model = new tf.GraphModel(tf.io.fromMemory(artifacts));
    try {
      await model.load();
    } catch (err) {
      try {
        model.dispose();
      } catch {
        /* nothing was built */
      }
      throw new ModelLoadError(`the model could not be built: ${errorMessage(err)}`);
    }
    const identity = map.every((v, i) => v === i);
    return new EmotionClassifier(model, metadata, identity ? null : map);
  }

  static async load(url: string, onProgress?: (p: LoadProgress) => void): Promise<EmotionClassifier> {
    const { artifacts } = await fetchModelArtifacts(url, onProgress);
    return EmotionClassifier.fromArtifacts(artifacts);
  }

  /** The model's input side, from its card. */
  get inputSize(): number {
    return this.metadata.preprocessing.inputSize;
  }

  /**
   * Whether each crop is also classified mirrored, in the same batch, and the two probabilities
   * averaged: the model card's testTime.flip, which `npm run eval -- --flip` overrides to measure it.
   */
  flip: boolean;

  /**
   * [N, S, S, 1] gray in [0, 1] (S = inputSize) -> [N, 7] probabilities in app class order; with
   * `mirror` (the card's flip by default) averaged with the mirrored crops' in the same batch.
   */
  predict(input: tf.Tensor4D, mirror: boolean = this.flip): tf.Tensor2D {
    if (this.disposed) throw new Error('the classifier was disposed');
    const n = input.shape[0];
    const pad = compilesPerShape();
    const flip = mirror;
    const per = flip ? MAX_BATCH / 2 : MAX_BATCH; // faces per model call: with flip, two rows each
    return tf.tidy(() => {
      const outs: tf.Tensor2D[] = [];
      for (let start = 0; start < n; start += per) {
        const count = Math.min(per, n - start);
        let chunk = start === 0 && count === n ? input : input.slice([start, 0, 0, 0], [count, -1, -1, -1]);
        if (flip) chunk = tf.concat([chunk, tf.reverse(chunk, 2)], 0); // (2 count, S, S, 1): the faces, then their mirrors
        const rows = flip ? 2 * count : count;
        const bucket = pad ? batchBucket(rows) : rows;
        if (bucket > rows) chunk = tf.concat([chunk, tf.zeros([bucket - rows, this.inputSize, this.inputSize, 1])], 0);
        let probs = this.model.execute(chunk) as tf.Tensor2D;
        if (bucket > rows) probs = probs.slice([0, 0], [rows, -1]);
        if (flip) probs = tf.mul(tf.add(probs.slice([0, 0], [count, -1]), probs.slice([count, 0], [count, -1])), 0.5);
        outs.push(probs);
      }
      const probs = outs.length === 1 ? (outs[0] as tf.Tensor2D) : (tf.concat(outs, 0) as tf.Tensor2D);
      return this.reorder ? (tf.gather(probs, this.reorder, 1) as tf.Tensor2D) : probs;
    });
  }

  /**
   * Crop every box out of `pixels` (turned by `rolls`, when given) and classify them in one batch:
   * one Float32Array(7) per box. On the GPU backends the boxes are padded to the batch bucket (the
   * last one repeated, with its roll), so the crop path runs at the same few shapes as the model
   * and a frame of 3 faces reuses the shaders of one of 4 (the warm-up compiles those); the extra
   * rows are read and dropped.
   */
  async classify(pixels: tf.Tensor3D, boxes: readonly Box[], rolls?: readonly number[]): Promise<Float32Array[]> {
    if (boxes.length === 0) return [];
    const extra = (compilesPerShape() && boxes.length <= MAX_BATCH ? batchBucket(boxes.length) : boxes.length) - boxes.length;
    const last = boxes.length - 1;
    const cut = extra > 0 ? [...boxes, ...Array.from({ length: extra }, () => boxes[last] as Box)] : boxes;
    const turns = rolls && extra > 0 ? [...rolls, ...Array.from({ length: extra }, () => rolls[last] ?? 0)] : rolls;
    const probs = tf.tidy(() => this.predict(cropFaces(pixels, cut, this.inputSize, turns)));
    try {
      const flat = (await probs.data()) as Float32Array;
      return boxes.map((_, i) => flat.slice(i * NUM_EMOTIONS, (i + 1) * NUM_EMOTIONS));
    } finally {
      probs.dispose();
    }
  }

  /**
   * Why this emotion: occlusion sensitivity of the face cut by `box` (and `roll`), searched coarse
   * to fine (explain.ts: 25 crops through the model, in batches of 1, 16 and 8). It explains one
   * pass of the model on the crop as is: the mirrored pass the card may average in would double the
   * cost, for the mirror image of the same map. Only forward passes, so every backend can do it.
   * Chosen by scripts/explain-check.ts (docs/speed.md): 93 % of the sliding patch's faithfulness
   * for half its passes.
   */
  async explain(pixels: tf.Tensor3D, box: Box, roll?: number, target?: number): Promise<ExplanationMap> {
    const crop = tf.tidy(() => cropFaces(pixels, [box], this.inputSize, roll ? [roll] : undefined));
    try {
      return await coarseToFineMap((batch) => this.predict(batch, false), crop, target);
    } finally {
      crop.dispose();
    }
  }

  /**
   * Compile the shaders before the first real frame: the model at each of `batchSizes` (the buckets
   * a frame will use) and the crop path on a frame of `frameSize` for each side in `cropSides`
   * (pyramid levels) at each of those batch sizes. warmup.ts says what each backend needs.
   */
  async warmup(batchSizes: readonly number[] = [1, 4], frameSize: [number, number] = [720, 1280], cropSides: readonly number[] = [100, 200, 400]): Promise<number> {
    const t0 = performance.now();
    await this.warmModel(batchSizes);
    await this.warmCrops(batchSizes, frameSize, cropSides);
    return performance.now() - t0;
  }

  /** The model alone, once at each batch size. */
  async warmModel(batchSizes: readonly number[]): Promise<void> {
    for (const n of batchSizes) {
      const probs = tf.tidy(() => this.predict(tf.fill([n, this.inputSize, this.inputSize, 1], 0.5) as tf.Tensor4D));
      await probs.data();
      probs.dispose();
    }
  }

  /** The crop path alone (no model run: on a CPU-emulated GPU that would be most of its time). */
  async warmCrops(batchSizes: readonly number[], frameSize: [number, number], cropSides: readonly number[]): Promise<void> {
    if (cropSides.length === 0) return;
    const frame = tf.zeros([...frameSize, 3], 'int32') as tf.Tensor3D;
    try {
      for (const side of cropSides) {
        for (const n of batchSizes) {
          const crops = cropFaces(
            frame,
            Array.from({ length: n }, () => ({ x: 10, y: 10, width: side, height: side })),
            this.inputSize,
          );
          await crops.data();
          crops.dispose();
        }
      }
    } finally {
      frame.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
