import { describe, expect, it, vi } from 'vitest';
import { frameLoop, hasTrackFrames, trackFrameLoop } from './camera';

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

/** A MediaStreamTrackProcessor stand-in: the test pushes frames into its readable stream. */
function fakeProcessor() {
  let push: (frame: unknown) => void = () => undefined;
  let end: () => void = () => undefined;
  let cancelled = false;
  class Processor {
    readable = new ReadableStream({
      start(controller) {
        push = (f) => controller.enqueue(f);
        end = () => controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
  }
  return { Processor, push: (f: unknown) => push(f), end: () => end(), cancelled: () => cancelled };
}

const frame = (n: number) => ({
  n,
  closed: false,
  close() {
    this.closed = true;
  },
});
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("trackFrameLoop: the camera track's own frames, one in flight", () => {
  it('a frame that comes while one is analysed is closed unread and counted as dropped; the tick owns its frame', async () => {
    const p = fakeProcessor();
    vi.stubGlobal('MediaStreamTrackProcessor', p.Processor);
    vi.stubGlobal('VideoFrame', class {});
    try {
      expect(hasTrackFrames()).toBe(true);
      const ticks: number[] = [];
      let finish = () => {};
      let drops = 0;
      const stop = trackFrameLoop(
        {} as MediaStreamTrack,
        (f) => {
          ticks.push((f as unknown as { n: number }).n);
          return new Promise<void>((resolve) => (finish = resolve));
        },
        () => drops++,
      );
      const frames = [1, 2, 3, 4, 5].map(frame);
      p.push(frames[0]);
      p.push(frames[1]);
      p.push(frames[2]);
      await settle();
      expect(ticks).toEqual([1]);
      expect(drops).toBe(2);
      expect(frames.map((f) => f.closed)).toEqual([false, true, true, false, false]); // the first is the tick's to close
      finish();
      await settle();
      p.push(frames[3]);
      await settle();
      expect(ticks).toEqual([1, 4]);
      finish();
      await settle();
      stop();
      await settle();
      expect(p.cancelled()).toBe(true);
      expect(ticks).toEqual([1, 4]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('is offered only where the browser has MediaStreamTrackProcessor and VideoFrame', () => {
    expect(hasTrackFrames({})).toBe(false);
  });
});
