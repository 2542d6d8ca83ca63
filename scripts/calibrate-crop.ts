/**
 * Calibrate the face crop against FER2013's framing: run the app's own face detector on FER2013
 * training images (upscaled 4x and padded, so the detector sees a face in a scene) and measure the
 * FER image's side and centre relative to the detector box. The medians are the crop that makes a
 * camera face look like a FER2013 face to the model.
 *
 *   npm run calibrate-crop -- [--data ../shared/data/fer2013] [--count 400] [--write]
 *
 * --write stores {scale, offsetY} in src/engine/contract.json (read by the app's crop.ts).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EMOTIONS } from '../src/engine/emotions.ts';
import { launchChromium, startDevServer } from './lib/browser.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/fer2013' },
    count: { type: 'string', default: '400' },
    write: { type: 'boolean', default: false },
  },
});

const count = Number(values.count);
// An even spread over classes and files of the training split (never the test splits).
const files: string[] = [];
for (const cls of EMOTIONS) {
  const dir = join(values.data, 'train', cls);
  const names = readdirSync(dir).sort();
  const step = Math.max(1, Math.floor(names.length / Math.ceil(count / EMOTIONS.length)));
  for (let i = 0; i < names.length && files.length < ((EMOTIONS.indexOf(cls) + 1) * count) / EMOTIONS.length; i += step) files.push(join(dir, names[i] as string));
}
const images = files.map((f) => readFileSync(f).toString('base64'));

const { server, url } = await startDevServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(url);
  const measured = await page.evaluate(async (jpegs: string[]) => {
    const modulePath = '/src/engine/detector.ts'; // served by the Vite dev server, imported in the page
    const assetsPath = '/src/engine/assets.ts';
    const { FaceDetectorService } = (await import(/* @vite-ignore */ modulePath)) as typeof import('../src/engine/detector.ts');
    const { engineAssets } = (await import(/* @vite-ignore */ assetsPath)) as typeof import('../src/engine/assets.ts');
    const detector = await FaceDetectorService.create(engineAssets('/').detector);
    const UP = 4;
    const PAD = 96; // per side, in upscaled pixels
    const side = 48 * UP + 2 * PAD;
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const out: { scale: number; offsetX: number; offsetY: number }[] = [];
    for (const b64 of jpegs) {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)); // data: fetches are barred by the CSP
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
      ctx.fillStyle = '#808080';
      ctx.fillRect(0, 0, side, side);
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, PAD, PAD, 48 * UP, 48 * UP);
      const faces = detector.detectImage(canvas);
      if (faces.length !== 1) continue;
      const f = faces[0]!;
      const x = (f.box.x - PAD) / UP;
      const y = (f.box.y - PAD) / UP;
      const w = f.box.width / UP;
      const h = f.box.height / UP;
      const s = 48 / Math.max(w, h);
      out.push({ scale: s, offsetX: (24 - (x + w / 2)) / 48, offsetY: (24 - (y + h / 2)) / 48 });
    }
    detector.close();
    return out;
  }, images);
  const stat = (k: 'scale' | 'offsetX' | 'offsetY') => {
    const v = measured.map((m) => m[k]).sort((a, b) => a - b);
    const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))] as number;
    return { median: q(0.5), q1: q(0.25), q3: q(0.75) };
  };
  const scale = stat('scale');
  const offsetX = stat('offsetX');
  const offsetY = stat('offsetY');
  console.log(`detected exactly one face in ${measured.length} of ${images.length} FER2013 training images`);
  for (const [name, s] of [
    ['scale', scale],
    ['offsetX', offsetX],
    ['offsetY', offsetY],
  ] as const) {
    console.log(`${name.padEnd(8)} median ${s.median.toFixed(3)}  (quartiles ${s.q1.toFixed(3)} .. ${s.q3.toFixed(3)})`);
  }
  if (values.write) {
    const path = join(import.meta.dirname, '..', 'src', 'engine', 'contract.json');
    const contract = JSON.parse(readFileSync(path, 'utf8')) as { crop: { scale: number; offsetY: number } };
    contract.crop = { ...contract.crop, scale: Number(scale.median.toFixed(3)), offsetY: Number(offsetY.median.toFixed(3)) };
    writeFileSync(path, JSON.stringify(contract, null, 2) + '\n');
    console.log(`wrote crop {scale: ${contract.crop.scale}, offsetY: ${contract.crop.offsetY}} to ${path}`);
  }
} finally {
  await browser.close();
  await server.close();
}
