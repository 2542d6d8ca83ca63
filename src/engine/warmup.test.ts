import { describe, expect, it } from 'vitest';
import { batchBucket, GPU_BATCHES } from './classifier';
import { warmupPlan } from './warmup';

describe('warmupPlan', () => {
  it('compiles the batch buckets of 1 to 4 faces (2 and 3 run as 4) and every crop level on the GPU backends', () => {
    for (const b of ['webgl', 'webgpu'] as const) expect(warmupPlan(b)).toEqual({ batchSizes: [1, 4], cropSides: [100, 200, 400] });
  });

  it('runs the model once, without the crop path, where nothing is compiled', () => {
    for (const b of ['wasm', 'cpu'] as const) expect(warmupPlan(b)).toEqual({ batchSizes: [1], cropSides: [] });
  });

  it('warms exactly the buckets that frames of 1 to 4 faces run at', () => {
    const used = [...new Set([1, 2, 3, 4].map(batchBucket))];
    expect(warmupPlan('webgl').batchSizes).toEqual(used);
    expect(warmupPlan('webgl').batchSizes.every((n) => GPU_BATCHES.includes(n))).toBe(true);
  });
});

describe('batchBucket', () => {
  it('pads a face count up to the next GPU batch size, never past the largest', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 17, 32].map(batchBucket)).toEqual([1, 4, 4, 4, 8, 8, 16, 32, 32]);
  });
});
