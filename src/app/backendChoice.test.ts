import { describe, expect, it } from 'vitest';
import type { BackendName, BackendSupportMap } from '../engine/backendSupport';
import { handOverVerdict, MARGIN, startingBackend } from './backendChoice';

const ALL: BackendSupportMap = { wasm: { available: true }, webgpu: { available: true }, webgl: { available: true } };
const GL_ONLY: BackendSupportMap = { ...ALL, webgpu: { available: false, reason: 'none' } };
const NO_GPU: BackendSupportMap = { ...GL_ONLY, webgl: { available: false, reason: 'none' } };
const NO_WASM: BackendSupportMap = { ...ALL, wasm: { available: false, reason: 'none' } };
const r = (backend: BackendName, one: number, four: number) => ({ backend, oneFaceMs: one, fourFacesMs: four });

describe('startingBackend', () => {
  it("bridges the user's GPU pick with WebAssembly: the pick takes over once warm, unmeasured", () => {
    expect(startingBackend(ALL, 'webgpu', null)).toMatchObject({
      backend: 'wasm',
      reason: expect.stringContaining('your choice, WebGPU'),
      candidates: [{ backend: 'webgpu', trusted: true, reason: 'your choice' }],
    });
    expect(startingBackend(ALL, 'wasm', null)).toEqual({ backend: 'wasm', reason: 'your choice', candidates: [] });
    expect(startingBackend(ALL, 'webgl', null, false)).toEqual({ backend: 'webgl', reason: 'your choice', candidates: [] }); // no second engine beside
  });

  it('pinned (bridgeChoice false, as tests and the bench do), the pick runs from the start', () => {
    expect(startingBackend(ALL, 'webgl', null, true, false)).toEqual({ backend: 'webgl', reason: 'your choice', candidates: [] });
    expect(startingBackend(ALL, null, null, true, false).backend).toBe('wasm'); // nothing picked: unchanged
  });

  it('with nothing chosen, starts on WebAssembly and warms WebGL, then WebGPU, to be measured', () => {
    const plan = startingBackend(ALL, null, null);
    expect(plan.backend).toBe('wasm');
    expect(plan.candidates).toEqual([
      { backend: 'webgl', trusted: false },
      { backend: 'webgpu', trusted: false },
    ]);
    expect(plan.reason).toContain('WebGL, then WebGPU warming beside it');
    expect(startingBackend(GL_ONLY, null, null).candidates).toEqual([{ backend: 'webgl', trusted: false }]);
    expect(startingBackend(NO_GPU, null, null)).toEqual({ backend: 'wasm', reason: 'no GPU backend is available', candidates: [] });
  });

  it('a remembered GPU backend still starts on WebAssembly and takes over once warm, unmeasured', () => {
    expect(startingBackend(ALL, null, { backend: 'webgpu', reason: 'x' })).toMatchObject({
      backend: 'wasm',
      candidates: [{ backend: 'webgpu', trusted: true, reason: 'measured faster on this device earlier' }],
    });
    expect(startingBackend(ALL, null, { backend: 'wasm', reason: 'WebGL was not faster' })).toEqual({
      backend: 'wasm',
      reason: 'measured on this device earlier: WebGL was not faster',
      candidates: [],
    });
  });

  it('a remembered backend this browser no longer has is measured again', () => {
    expect(startingBackend(GL_ONLY, null, { backend: 'webgpu', reason: 'x' }).candidates).toEqual([{ backend: 'webgl', trusted: false }]);
  });

  it('without a second engine beside the first, or without WebAssembly, starts on a GPU backend as before', () => {
    expect(startingBackend(ALL, null, null, false)).toMatchObject({ backend: 'webgl', candidates: [] });
    expect(startingBackend(NO_WASM, null, null)).toMatchObject({ backend: 'webgl', candidates: [{ backend: 'webgpu', trusted: false }] });
    expect(startingBackend(NO_WASM, null, { backend: 'webgpu', reason: 'x' })).toMatchObject({ backend: 'webgpu', candidates: [] });
    expect(startingBackend({ ...NO_WASM, webgpu: { available: false } }, null, null)).toMatchObject({ backend: 'webgl', reason: 'the only GPU backend this browser has' });
  });
});

describe('handOverVerdict', () => {
  it('hands over only when the warmed backend is clearly faster on 1 + 4 faces', () => {
    expect(handOverVerdict(r('wasm', 20, 80), r('webgl', 5, 20))).toMatchObject({ takeOver: true, reason: expect.stringContaining('WebGL 5/20 ms, WebAssembly (CPU) 20/80 ms') });
    expect(handOverVerdict(r('wasm', 20, 80), r('webgl', 20 * MARGIN, 80 * MARGIN)).takeOver).toBe(true);
    expect(handOverVerdict(r('wasm', 20, 80), r('webgl', 19, 78))).toMatchObject({ takeOver: false, reason: expect.stringContaining('WebGL was not faster') });
    expect(handOverVerdict(r('wasm', 20, 80), r('webgpu', 90, 300)).takeOver).toBe(false);
  });
});
