/**
 * What an engine runs before its first real frame, per backend. On WebGL and WebGPU the first run
 * of each shape compiles shaders (seconds), so every batch bucket a frame will use and each crop
 * pyramid level are run once. WebAssembly and the JavaScript CPU backend compile nothing: one
 * 1-face run proves the model runs there, and the first frame comes that much sooner.
 */
import type { BackendName } from './backendSupport';

export interface WarmupPlan {
  /** Batch sizes to run the model on (each a bucket of classifier.batchBucket). */
  batchSizes: readonly number[];
  /** Crop sides (px) to run the crop path on, in a frame of the camera's size: pyramid levels 1-3. */
  cropSides: readonly number[];
}

/** The buckets a frame of 1 to 4 faces runs at (classifier.GPU_BATCHES: 2 and 3 faces run as 4). */
const GPU_PLAN: WarmupPlan = { batchSizes: [1, 4], cropSides: [100, 200, 400] };
const CPU_PLAN: WarmupPlan = { batchSizes: [1], cropSides: [] };

export function warmupPlan(backend: BackendName): WarmupPlan {
  return backend === 'webgl' || backend === 'webgpu' ? GPU_PLAN : CPU_PLAN;
}

/** A photo's first analysis, prepared while the user picks it (Engine.prepare). */
export interface PhotoWarmupPlan extends WarmupPlan {
  /** The size of the blank photo the crop path runs on: [height, width]. */
  frame: [number, number];
}

/**
 * What a photo's first analysis would do first: read a photo-sized image (its pixels are a larger
 * tensor than a camera frame's: on WebAssembly the heap grows once, ~50 ms of CPU here), crop faces
 * at a photo's pyramid levels, and run the model at the batch sizes of a group photo (2 to 4
 * faces; on the GPU backends the bucket of 4, already compiled at start, and its crop shaders at
 * the photo's size).
 */
export function photoWarmupPlan(backend: BackendName): PhotoWarmupPlan {
  return backend === 'webgl' || backend === 'webgpu' ? { batchSizes: [4], cropSides: [200, 400], frame: [960, 1280] } : { batchSizes: [2, 3, 4], cropSides: [200, 400], frame: [960, 1280] };
}
