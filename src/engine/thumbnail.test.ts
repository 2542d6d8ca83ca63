import { describe, expect, it } from 'vitest';
import { shrinkPixels, THUMB } from './thumbnail';

function frame(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...pixel(x, y), 255], (y * width + x) * 4);
  return { data, width, height };
}

describe('shrinkPixels: a frame in memory made THUMB-sized without drawing it', () => {
  it('keeps a uniform colour, and puts each half of a frame in its half of the thumbnail', () => {
    const flat = shrinkPixels(frame(1280, 720, () => [10, 120, 240]));
    expect(flat.length).toBe(THUMB.width * THUMB.height * 4);
    expect(Array.from(flat.slice(0, 4))).toEqual([10, 120, 240, 255]);
    expect(Array.from(flat.slice(-4))).toEqual([10, 120, 240, 255]);
    const halves = shrinkPixels(frame(1280, 720, (x) => (x < 640 ? [0, 0, 0] : [255, 255, 255])));
    const at = (tx: number, ty: number) => halves[(ty * THUMB.width + tx) * 4];
    expect([at(0, 0), at(15, 9), at(16, 9), at(31, 17)]).toEqual([0, 0, 255, 255]);
  });

  it('is the mean of each cell, within a few levels, where it samples a large frame sparsely', () => {
    // A smooth gradient plus fine stripes: sampling every few pixels must still give each cell's mean.
    const w = 640,
      h = 360;
    const src = frame(w, h, (x, y) => [Math.round((x / w) * 255), Math.round((y / h) * 255), x % 2 ? 200 : 40]);
    const out = shrinkPixels(src);
    const cw = w / THUMB.width,
      ch = h / THUMB.height;
    for (const [tx, ty] of [
      [0, 0],
      [7, 11],
      [31, 17],
      [20, 3],
    ] as const) {
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let y = ty * ch; y < (ty + 1) * ch; y++) for (let x = tx * cw; x < (tx + 1) * cw; x++) sum += src.data[(y * w + x) * 4 + k] as number;
        expect(Math.abs((out[(ty * THUMB.width + tx) * 4 + k] as number) - sum / (cw * ch))).toBeLessThan(6);
      }
    }
  });
});
