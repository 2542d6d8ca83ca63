import { describe, expect, it } from 'vitest';
import { warmupPlan } from './warmup';

describe('warmupPlan', () => {
  it('compiles every batch bucket and crop level on the GPU backends', () => {
    for (const b of ['webgl', 'webgpu'] as const) expect(warmupPlan(b)).toEqual({ batchSizes: [1, 2, 4], cropSides: [100, 200, 400] });
  });

  it('runs the model once, without the crop path, where nothing is compiled', () => {
    for (const b of ['wasm', 'cpu'] as const) expect(warmupPlan(b)).toEqual({ batchSizes: [1], cropSides: [] });
  });
});
