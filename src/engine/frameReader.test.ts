import { describe, expect, it } from 'vitest';
import { FrameReader } from './frameReader';

/** A VideoFrame stand-in: a solid colour of its size, copyTo writes RGBA (or fails as told). */
function fakeFrame(width: number, height: number, value: number, opts: { rotation?: number; fail?: string; display?: [number, number] } = {}) {
  const f = {
    closed: false,
    copies: 0,
    visibleRect: { x: 0, y: 0, width, height },
    displayWidth: opts.display?.[0] ?? width,
    displayHeight: opts.display?.[1] ?? height,
    rotation: opts.rotation ?? 0,
    async copyTo(dest: Uint8ClampedArray, options: { format: string }) {
      if (opts.fail) throw Object.assign(new Error(opts.fail), { name: opts.fail });
      expect(options.format).toBe('RGBA');
      expect(dest.length).toBe(width * height * 4);
      dest.fill(value);
      f.copies++;
      return [];
    },
    close: () => void (f.closed = true),
  };
  return f;
}

const image = (data: Uint8ClampedArray, width: number, height: number) => ({ data, width, height }) as ImageData;
const bitmaps: unknown[] = [];
const bitmap = async (frame: VideoFrame) => {
  const b = { width: frame.displayWidth, height: frame.displayHeight, close() {} } as unknown as ImageBitmap;
  bitmaps.push(b);
  return b;
};

describe('FrameReader: a camera frame read by copy into one reused buffer', () => {
  it('copies each frame into the same buffer, gives pixels of its size and closes the frame at once', async () => {
    const reader = new FrameReader(image, bitmap);
    const a = fakeFrame(8, 4, 10);
    const first = (await reader.read(a as unknown as VideoFrame)) as ImageData;
    expect(a.closed).toBe(true);
    expect([first.width, first.height, first.data[0]]).toEqual([8, 4, 10]);
    const b = fakeFrame(8, 4, 20);
    const second = (await reader.read(b as unknown as VideoFrame)) as ImageData;
    expect(second.data).toBe(first.data); // one buffer for every frame of a size: nothing per frame
    expect(second.data[0]).toBe(20);
    const c = fakeFrame(4, 2, 30); // another size: a buffer of that size
    expect(((await reader.read(c as unknown as VideoFrame)) as ImageData).data.length).toBe(4 * 2 * 4);
    expect(reader.counts).toEqual({ copied: 3, bitmaps: 0 });
  });

  it('a frame it cannot copy as shown becomes a bitmap: turned, scaled for display, no RGBA conversion, or a photo', async () => {
    const reader = new FrameReader(image, bitmap);
    const frames = [fakeFrame(8, 4, 1, { rotation: 90 }), fakeFrame(8, 4, 1, { display: [16, 8] }), fakeFrame(8, 4, 1, { fail: 'NotSupportedError' })];
    for (const f of frames) {
      const out = await reader.read(f as unknown as VideoFrame);
      expect('data' in out).toBe(false);
      expect(f.closed).toBe(true);
    }
    const photo = fakeFrame(8, 4, 1);
    expect('data' in (await reader.read(photo as unknown as VideoFrame, false))).toBe(false);
    expect(photo.copies).toBe(0);
    expect(reader.counts).toEqual({ copied: 0, bitmaps: 4 });
  });

  it('a frame already closed is an error, not a bitmap, and is closed anyway', async () => {
    const reader = new FrameReader(image, bitmap);
    const f = fakeFrame(8, 4, 1, { fail: 'InvalidStateError' });
    await expect(reader.read(f as unknown as VideoFrame)).rejects.toThrow('InvalidStateError');
    expect(f.closed).toBe(true);
  });
});
