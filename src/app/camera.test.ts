import { describe, expect, it } from 'vitest';
import { frameLoop } from './camera';

/** A video element stand-in whose frames come when the test says so (requestVideoFrameCallback). */
class FakeVideo {
  private callbacks = new Map<number, (now: number) => void>();
  private next = 1;
  currentTime = 0;
  requestVideoFrameCallback(cb: (now: number) => void): number {
    this.callbacks.set(this.next, cb);
    return this.next++;
  }
  cancelVideoFrameCallback(handle: number): void {
    this.callbacks.delete(handle);
  }
  frame(now: number): void {
    const due = [...this.callbacks.values()];
    this.callbacks.clear();
    for (const cb of due) cb(now);
  }
}
Object.assign(globalThis, { HTMLVideoElement: FakeVideo });

describe('frameLoop: the camera path keeps one frame in flight', () => {
  it('a frame that comes while one is analysed is dropped and counted, never queued; the next one after it runs', async () => {
    const video = new FakeVideo();
    const ticks: number[] = [];
    let finish = () => {};
    let drops = 0;
    const stop = frameLoop(
      video as unknown as HTMLVideoElement,
      (now) => {
        ticks.push(now);
        return new Promise<void>((resolve) => (finish = resolve));
      },
      () => drops++,
    );
    video.frame(1);
    video.frame(2);
    video.frame(3);
    expect(ticks).toEqual([1]);
    expect(drops).toBe(2);
    finish();
    await new Promise((r) => setTimeout(r, 0)); // after the tick's promise has settled
    video.frame(4);
    expect(ticks).toEqual([1, 4]);
    stop();
    video.frame(5);
    expect(ticks).toEqual([1, 4]);
  });
});
