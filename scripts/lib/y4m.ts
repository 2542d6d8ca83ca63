/**
 * Write a Y4M video (YUV4MPEG2, 4:2:0), for Chromium's fake camera (--use-file-for-fake-video-capture):
 * one still frame (Chromium loops it), or several shown in turn.
 */
import type { RgbImage } from './decode-image.ts';

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Crop `region` from `img` and scale it to width x height (bilinear), as RGB. */
export function cropScale(img: RgbImage, region: Region, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let j = 0; j < height; j++) {
    const sy = Math.min(img.height - 1, Math.max(0, region.y + ((j + 0.5) * region.height) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let i = 0; i < width; i++) {
      const sx = Math.min(img.width - 1, Math.max(0, region.x + ((i + 0.5) * region.width) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (x: number, y: number) => img.data[(y * img.width + x) * 3 + c] as number;
        const v = (p(x0, y0) * (1 - fx) + p(x1, y0) * fx) * (1 - fy) + (p(x0, y1) * (1 - fx) + p(x1, y1) * fx) * fy;
        out[(j * width + i) * 3 + c] = Math.round(v);
      }
    }
  }
  return { width, height, data: out };
}

/** RGB -> one Y4M file (BT.601 full range, 4:2:0 with 2x2 averaged chroma). */
export function toY4m(img: RgbImage, fps = 30): Uint8Array {
  return toY4mFrames([img], fps);
}

/** Several RGB frames of one size -> one Y4M file, shown one after the other at `fps` (Chromium loops it). */
export function toY4mFrames(frames: readonly RgbImage[], fps = 30): Uint8Array {
  const first = frames[0];
  if (!first) throw new Error('a Y4M file needs at least one frame');
  const { width: w, height: h } = first;
  if (w % 2 || h % 2) throw new Error('Y4M 4:2:0 needs even width and height');
  if (frames.some((f) => f.width !== w || f.height !== h)) throw new Error('every Y4M frame must have the same size');
  const header = new TextEncoder().encode(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const marker = new TextEncoder().encode('FRAME\n');
  const ySize = w * h;
  const cSize = (w / 2) * (h / 2);
  const frameSize = marker.length + ySize + 2 * cSize;
  const out = new Uint8Array(header.length + frames.length * frameSize);
  out.set(header, 0);
  frames.forEach(({ data }, f) => {
    const start = header.length + f * frameSize;
    out.set(marker, start);
    const Y = start + marker.length;
    const U = Y + ySize;
    const V = U + cSize;
    const px = (x: number, y: number, c: number) => data[(y * w + x) * 3 + c] as number;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        out[Y + y * w + x] = Math.round(0.299 * px(x, y, 0) + 0.587 * px(x, y, 1) + 0.114 * px(x, y, 2));
      }
    }
    for (let y = 0; y < h / 2; y++) {
      for (let x = 0; x < w / 2; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          r += px(2 * x + dx, 2 * y + dy, 0);
          g += px(2 * x + dx, 2 * y + dy, 1);
          b += px(2 * x + dx, 2 * y + dy, 2);
        }
        r /= 4;
        g /= 4;
        b /= 4;
        out[U + y * (w / 2) + x] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
        out[V + y * (w / 2) + x] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
      }
    }
  });
  return out;
}
