/**
 * A fixed-capacity ring buffer of timed samples (time + a fixed number of channels), in one
 * Float64Array: pushing never allocates, the oldest sample is overwritten when full. A timeline
 * keeps one per face at 10+ Hz for a minute without growing. Pure.
 */
export class RingBuffer {
  private readonly data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    /** Values per sample, besides its time. */
    readonly channels: number,
  ) {
    if (!(capacity > 0) || !(channels > 0)) throw new Error('capacity and channels must be positive');
    this.data = new Float64Array(capacity * (channels + 1));
  }

  get length(): number {
    return this.count;
  }

  push(time: number, values: ArrayLike<number>): void {
    const stride = this.channels + 1;
    const slot = (this.start + this.count) % this.capacity;
    if (this.count === this.capacity) this.start = (this.start + 1) % this.capacity;
    else this.count++;
    const at = slot * stride;
    this.data[at] = time;
    for (let c = 0; c < this.channels; c++) this.data[at + 1 + c] = values[c] ?? 0;
  }

  /** Sample i (0 = oldest): its time. */
  time(i: number): number {
    return this.data[this.index(i) * (this.channels + 1)] ?? NaN;
  }

  /** Sample i (0 = oldest): channel c. */
  value(i: number, c: number): number {
    return this.data[this.index(i) * (this.channels + 1) + 1 + c] ?? NaN;
  }

  /** The newest sample's time, or -Infinity when empty. */
  get lastTime(): number {
    return this.count ? this.time(this.count - 1) : -Infinity;
  }

  /** Drop samples older than `time`. */
  dropBefore(time: number): void {
    while (this.count && this.time(0) < time) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }

  private index(i: number): number {
    if (i < 0 || i >= this.count) throw new RangeError(`sample ${i} of ${this.count}`);
    return (this.start + i) % this.capacity;
  }
}
