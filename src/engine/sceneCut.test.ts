import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../scripts/lib/decode-image';
import { frameSignature, isSceneCut, THUMB } from './sceneCut';

/** A THUMB-sized copy of a committed photo's top-left 640 x 360 at 900 px wide, shifted by `dx`
 *  (what the e2e video shows), by box averaging as a resize would. */
function frame(name: string, dx = 0): Uint8ClampedArray {
  const im = decodeImage(readFileSync(join(import.meta.dirname, '..', '..', 'e2e', 'fixtures', name)));
  const s = 900 / im.width;
  const out = new Uint8ClampedArray(THUMB.width * THUMB.height * 4);
  const cell = 640 / THUMB.width;
  for (let ty = 0; ty < THUMB.height; ty++)
    for (let tx = 0; tx < THUMB.width; tx++) {
      const acc = [0, 0, 0];
      let n = 0;
      for (let y = ty * cell; y < (ty + 1) * cell; y += 2)
        for (let x = tx * cell; x < (tx + 1) * cell; x += 2) {
          const sx = Math.min(im.width - 1, Math.floor((x + dx) / s));
          const sy = Math.min(im.height - 1, Math.floor(y / s));
          const i = (sy * im.width + sx) * 4;
          for (let c = 0; c < 3; c++) acc[c]! += im.data[i + c] ?? 0;
          n++;
        }
      out.set([acc[0]! / n, acc[1]! / n, acc[2]! / n, 255], (ty * THUMB.width + tx) * 4);
    }
  return out;
}

describe('scene cuts', () => {
  it('a cut from one group photo to another is a cut', () => {
    for (const [a, b] of [
      ['group-3.jpg', 'group-6.jpg'],
      ['group-3.jpg', 'group-4.jpg'],
      ['group-4.jpg', 'group-6.jpg'],
    ] as const) {
      expect({ a, b, cut: isSceneCut(frameSignature(frame(a)), frameSignature(frame(b))) }).toEqual({ a, b, cut: true });
    }
  });

  it('motion is not: the same photo drifting 8 px (a 40 px/s pan, 5 samples a second) or 40 px', () => {
    for (const name of ['group-3.jpg', 'group-4.jpg', 'group-6.jpg']) {
      expect(isSceneCut(frameSignature(frame(name)), frameSignature(frame(name, 8)))).toBe(false);
      expect(isSceneCut(frameSignature(frame(name)), frameSignature(frame(name, 40)))).toBe(false);
    }
  });

  it('the first frame is never a cut', () => {
    expect(isSceneCut(null, frameSignature(frame('group-3.jpg')))).toBe(false);
  });
});
