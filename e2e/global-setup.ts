/**
 * Generate the fake-camera videos from the committed photos (Y4M is raw video: generated, not
 * committed): a single smiling face, a scene without a face, and two people in turn at the same place.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { decodeImage } from '../scripts/lib/decode-image.ts';
import { cropScale, toY4m, toY4mFrames } from '../scripts/lib/y4m.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const GENERATED = join(import.meta.dirname, '..', 'test-results', 'generated');
export const FACE_Y4M = join(GENERATED, 'face.y4m');
export const NO_FACE_Y4M = join(GENERATED, 'no-face.y4m');
/** Two people in turn, one second each, their faces at the same place: A (group-6's second person,
 *  face ~270 px wide) then B (group-3's second person, ~220 px), 5 frames a second. */
export const SWAP_Y4M = join(GENERATED, 'swap.y4m');
/** A 9000 x 6000 (54 MP) grey PNG: slow to decode and analyse, for latest-request-wins tests. */
export const BIG_PNG = join(GENERATED, 'big-54mp.png');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG header claiming width x height; with `pixels`, a real grey image of that size. */
export function pngOf(width: number, height: number, pixels: boolean): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  let body = Buffer.from('not really pixels');
  if (pixels) {
    const raw = Buffer.alloc((width + 1) * height, 0x80);
    for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter type "none" on each row
    body = deflateSync(raw, { level: 1 });
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', body), chunk('IEND', Buffer.alloc(0))]);
}

export default function globalSetup(): void {
  mkdirSync(GENERATED, { recursive: true });
  const photo = decodeImage(readFileSync(join(FIXTURES, 'group-6.jpg')));
  // The second person from the left, smiling, alone in a 4:3 region (photo pixels, 1280 wide).
  writeFileSync(FACE_Y4M, toY4m(cropScale(photo, { x: 320, y: 175, width: 380, height: 285 }, 640, 480)));
  // Dresses and a sofa: no face anywhere.
  writeFileSync(NO_FACE_Y4M, toY4m(cropScale(photo, { x: 420, y: 720, width: 400, height: 300 }, 640, 480)));
  if (!existsSync(SWAP_Y4M)) {
    const a = cropScale(photo, { x: 320, y: 175, width: 380, height: 285 }, 640, 480); // face centre at (330, 264)
    const other = decodeImage(readFileSync(join(FIXTURES, 'group-3.jpg')));
    const b = cropScale(other, { x: 548, y: 58, width: 480, height: 360 }, 640, 480); // face centre at (331, 264)
    writeFileSync(SWAP_Y4M, toY4mFrames([a, a, a, a, a, b, b, b, b, b], 5));
  }
  if (!existsSync(BIG_PNG)) writeFileSync(BIG_PNG, pngOf(9000, 6000, true));
}
