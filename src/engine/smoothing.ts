/**
 * Frame-rate independent exponential smoothing: after `halfLifeMs` the old value weighs half.
 * A half-life of 0 turns smoothing off. Pure, allocation-free on the hot path (writes into `out`).
 */
export function smoothingWeight(dtMs: number, halfLifeMs: number): number {
  if (halfLifeMs <= 0 || !Number.isFinite(dtMs)) return 1;
  return 1 - 0.5 ** (Math.max(0, dtMs) / halfLifeMs);
}

export function smoothInto(out: Float32Array, prev: ArrayLike<number>, next: ArrayLike<number>, weight: number): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = (prev[i] ?? 0) + weight * ((next[i] ?? 0) - (prev[i] ?? 0));
  return out;
}

export function smoothNumber(prev: number, next: number, weight: number): number {
  return prev + weight * (next - prev);
}
