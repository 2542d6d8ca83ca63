/**
 * Draw the app's icons (a face with a smile and a box corner, the app's accent on a dark plate)
 * into public/icons/ as PNGs: 192 and 512 px, and a 512 px maskable one (the drawing inside the
 * 80 % safe zone). Run once when the design changes: npx tsx scripts/make-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const BG: [number, number, number] = [14, 16, 22];
const ACCENT: [number, number, number] = [110, 168, 255];
const FACE: [number, number, number] = [255, 210, 63];

function draw(size: number, safe: number, rounded: boolean): Buffer {
  const png = new PNG({ width: size, height: size });
  const c = size / 2;
  const s = (size * safe) / 2; // drawing radius
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // 4x4 supersampling for smooth edges
      let acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          let col: number[] | null = null;
          // the plate (rounded square, or the full square for maskable)
          const r = size * 0.22;
          const qx = Math.max(Math.abs(px - c) - (c - r), 0);
          const qy = Math.max(Math.abs(py - c) - (c - r), 0);
          if (!rounded || Math.hypot(qx, qy) <= r) col = [...BG, 255];
          const dx = (px - c) / s;
          const dy = (py - c) / s;
          const d = Math.hypot(dx, dy);
          // face disc
          if (d <= 0.62) col = [...FACE, 255];
          // eyes
          if (Math.hypot(dx + 0.22, dy + 0.16) < 0.08 || Math.hypot(dx - 0.22, dy + 0.16) < 0.08) col = [...BG, 255];
          // smile: an arc of a ring below the centre
          const sd = Math.hypot(dx, dy + 0.05);
          if (sd > 0.3 && sd < 0.4 && dy > 0.08) col = [...BG, 255];
          // detection box corners
          const ax = Math.abs(dx);
          const ay = Math.abs(dy);
          const inCorner = (ax > 0.72 && ax < 0.86 && ay > 0.45 && ay < 0.86) || (ay > 0.72 && ay < 0.86 && ax > 0.45 && ax < 0.86);
          if (inCorner) col = [...ACCENT, 255];
          if (col) acc = acc.map((v, i) => v + col[i]!);
        }
      }
      const i = (y * size + x) * 4;
      const a = acc[3]! / 16;
      png.data[i] = a ? Math.round(acc[0]! / 16 / (a / 255)) : 0;
      png.data[i + 1] = a ? Math.round(acc[1]! / 16 / (a / 255)) : 0;
      png.data[i + 2] = a ? Math.round(acc[2]! / 16 / (a / 255)) : 0;
      png.data[i + 3] = Math.round(a);
    }
  }
  return PNG.sync.write(png);
}

const out = join(import.meta.dirname, '..', 'public', 'icons');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'icon-192.png'), draw(192, 0.92, true));
writeFileSync(join(out, 'icon-512.png'), draw(512, 0.92, true));
writeFileSync(join(out, 'icon-maskable-512.png'), draw(512, 0.72, false));
console.log('wrote public/icons/icon-192.png, icon-512.png, icon-maskable-512.png');
