/**
 * A person's resting face as a baseline (what FaceReader calls participant calibration): readings
 * taken relative to it. A face whose resting look already reads a little "sad" or "angry" (a
 * downturned mouth, heavy brows) keeps reading so however it feels; relative to its own resting
 * face, what changes is what is read.
 *
 * The maths, in log-probability space (log p is the calibrated logit up to a constant):
 *   r_k = log p_k - beta * (log b_k - log n_k),  reading = softmax(r)
 * p: the face's probabilities now; b: its resting probabilities (the geometric mean of its readings
 * while at rest); n: the model's mean reading of neutral faces (the model card's
 * `baseline.neutral`). A resting face that reads like the average neutral face (b = n) changes
 * nothing; a resting face that reads "sad" twice as often as the average one has "sad" halved.
 * beta = 1 removes the person's resting lean in full. Pure.
 */

const FLOOR = 1e-6;

/** The reading of `probs` relative to the resting reading `baseline`, given the model's neutral mean. */
export function relativeReading(probs: ArrayLike<number>, baseline: ArrayLike<number>, neutral: ArrayLike<number>, beta = 1, out?: Float32Array): Float32Array {
  const k = probs.length;
  if (baseline.length !== k || neutral.length !== k) throw new Error(`a baseline needs ${k} classes, got ${baseline.length} and ${neutral.length}`);
  const r = out ?? new Float32Array(k);
  let max = -Infinity;
  for (let i = 0; i < k; i++) {
    const v = Math.log(Math.max(probs[i] ?? 0, FLOOR)) - beta * (Math.log(Math.max(baseline[i] ?? 0, FLOOR)) - Math.log(Math.max(neutral[i] ?? 0, FLOOR)));
    r[i] = v;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const e = Math.exp((r[i] as number) - max);
    r[i] = e;
    sum += e;
  }
  for (let i = 0; i < k; i++) r[i] = (r[i] as number) / sum;
  return r;
}

/**
 * A resting face learnt from readings: the geometric mean of the probabilities it is given (the
 * mean of their logs, renormalised), so one odd frame moves it less than an arithmetic mean would.
 */
export class RestingFace {
  private readonly logSum: Float64Array;
  private n = 0;

  constructor(readonly classes: number) {
    this.logSum = new Float64Array(classes);
  }

  add(probs: ArrayLike<number>): void {
    if (probs.length !== this.classes) throw new Error(`a reading of ${this.classes} classes was expected, got ${probs.length}`);
    for (let i = 0; i < this.classes; i++) this.logSum[i] = (this.logSum[i] as number) + Math.log(Math.max(probs[i] ?? 0, FLOOR));
    this.n++;
  }

  /** How many readings it holds. */
  get count(): number {
    return this.n;
  }

  /** The resting probabilities, or null before the first reading. */
  value(): Float32Array | null {
    if (this.n === 0) return null;
    const out = new Float32Array(this.classes);
    let max = -Infinity;
    for (let i = 0; i < this.classes; i++) max = Math.max(max, (this.logSum[i] as number) / this.n);
    let sum = 0;
    for (let i = 0; i < this.classes; i++) {
      const e = Math.exp((this.logSum[i] as number) / this.n - max);
      out[i] = e;
      sum += e;
    }
    for (let i = 0; i < this.classes; i++) out[i] = (out[i] as number) / sum;
    return out;
  }
}
