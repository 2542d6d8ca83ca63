/**
 * What `analyse(…, { kind: 'frame' })` trades against the default `kind: 'photo'`, measured with the
 * built library (npm run build:lib first) in headless Chromium: a group photo with three faces
 * (e2e/fixtures/group-3.jpg, faces ~160 px wide at 1280 px) drawn larger and smaller into a
 * 1280 x 720 frame, its faces at the frame's middle, each frame analysed both ways on the engine's
 * worker (WebAssembly): how many of the faces inside the frame each finds (a detection over a face's known box, e2e/fixtures/faces.json, at
 * IoU 0.3 or more), what else it reports at the default detector floor, and its median time.
 * docs/library.md quotes the table.
 *
 *   npx tsx scripts/frame-vs-photo.ts [--runs 3]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/browser.ts';
import { serveStatic } from './lib/static-server.ts';

const ROOT = join(import.meta.dirname, '..');
const at = process.argv.indexOf('--runs');
const runs = at > 0 ? Number(process.argv[at + 1]) : 3;
/** The photo's width in the frame, as a share of the frame's. */
const SCALES = [1.6, 1.3, 1, 0.75, 0.5, 0.35, 0.25, 0.18];
type Box = { x: number; y: number; width: number; height: number };
const FACES = (JSON.parse(readFileSync(join(ROOT, 'e2e/fixtures/faces.json'), 'utf8')) as Record<string, { box: Box }[]>)['group-3.jpg']!.map((f) => f.box);

const server = await serveStatic(ROOT);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/examples/`);
  await page.evaluate('window.__name = (f) => f'); // tsx names the functions below with a helper the page lacks
  const rows = await page.evaluate(
    async ({ scales, runs, faces }) => {
      const iou = (a: Box, b: Box) => {
        const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        const inter = Math.max(0, w) * Math.max(0, h);
        return inter / (a.width * a.height + b.width * b.height - inter);
      };
      const built: string = '/packages/engine/dist/resemote-engine.js'; // the page's URL, not a module for tsc to resolve
      const lib = (await import(built)) as typeof import('../src/engine/index.ts');
      const engine = await lib.createEngine({ assetsUrl: '/packages/engine/dist/assets/' });
      const photo = new Image();
      photo.src = '/e2e/fixtures/group-3.jpg';
      await photo.decode();
      const out = [];
      for (const scale of scales) {
        const frame = new OffscreenCanvas(1280, 720);
        const g = frame.getContext('2d') as OffscreenCanvasRenderingContext2D;
        g.fillStyle = '#777';
        g.fillRect(0, 0, 1280, 720);
        // The photo `scale` times the frame's width, the middle of its faces at the frame's middle.
        const k = (1280 * scale) / photo.width;
        const mx = (Math.min(...faces.map((b) => b.x)) + Math.max(...faces.map((b) => b.x + b.width))) / 2;
        const my = (Math.min(...faces.map((b) => b.y)) + Math.max(...faces.map((b) => b.y + b.height))) / 2;
        const [x0, y0] = [640 - mx * k, 360 - my * k];
        g.drawImage(photo, x0, y0, photo.width * k, photo.height * k);
        const bitmap = frame.transferToImageBitmap();
        // Only the faces wholly inside the frame count.
        const known = faces
          .map((b) => ({ x: x0 + b.x * k, y: y0 + b.y * k, width: b.width * k, height: b.height * k }))
          .filter((b) => b.x >= 0 && b.y >= 0 && b.x + b.width <= 1280 && b.y + b.height <= 720);
        const row: Record<string, number> = { faceWidth: Math.round(Math.min(...known.map((b) => b.width))), inside: known.length };
        for (const kind of ['photo', 'frame'] as const) {
          const times: number[] = [];
          let boxes: Box[] = [];
          for (let i = 0; i < runs; i++) {
            const result = await engine.analyse(bitmap, { kind });
            boxes = result.faces.map((f) => f.box);
            times.push(result.timings.totalMs);
          }
          times.sort((a, b) => a - b);
          row[`${kind}Faces`] = known.filter((f) => boxes.some((b) => iou(f, b) >= 0.3)).length;
          row[`${kind}Other`] = boxes.filter((b) => !known.some((f) => iou(f, b) >= 0.3)).length;
          row[`${kind}Ms`] = Math.round(times[Math.floor(times.length / 2)] ?? 0);
        }
        bitmap.close();
        out.push(row);
      }
      await engine.dispose();
      return out;
    },
    { scales: SCALES, runs, faces: FACES },
  );
  console.log("| faces' width in a 1280 x 720 frame | 'photo': faces found (other detections), ms | 'frame': faces found (other detections), ms |");
  console.log('| --- | --- | --- |');
  for (const r of rows)
    console.log(`| ${r.faceWidth} px and up | ${r.photoFaces} of ${r.inside} (${r.photoOther}), ${r.photoMs} ms | ${r.frameFaces} of ${r.inside} (${r.frameOther}), ${r.frameMs} ms |`);
} finally {
  await browser.close();
  await server.close();
}
