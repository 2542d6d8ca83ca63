/**
 * Turn every extra face source into what the app feeds the model, once: the app's own MediaPipe
 * detector (with its tight-crop retry on a padded copy), its square crop and its antialiased gray
 * 64x64 crop, run headless in Chromium through the Vite dev server (scripts/lib/prepare-page.ts).
 * Every miss is recorded. Then the training toolkit drops duplicates (pixel hashes, across sets)
 * and writes person/film-wise folds (training/sources.py).
 *
 *   npm run prepare-data -- [--data ../shared/data] [--out .cache/faces] [--sources muxspace,sfew2,posed-mix,yale,expw,posed-more] [--align]
 *
 * --align turns each gray crop so the eyes are level (engine/align.ts, as the app does for a model
 * whose card says align); use another --out (e.g. .cache/faces-aligned) to keep both.
 *
 * Writes, per source, <out>/<source>/gray64.u8 (N x 64 x 64), rgb112.u8 (N x 112 x 112 x 3) and
 * index.csv (i, path, label, status, faces, score, box and crop in the image's pixels); then
 * <out>/manifest.json (counts, misses, duplicates, folds). FER2013 is not here: it stays framed
 * as published. A source already prepared (its index.csv complete) is not redone.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { EMOTIONS } from '../src/engine/emotions.ts';
import { launchChromium, startDevServer } from './lib/browser.ts';
import type { PreparedFace } from './lib/prepare-page.ts';
import { runPython } from './lib/python.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: '.cache/faces' },
    sources: { type: 'string', default: 'muxspace,sfew2,posed-mix,yale,expw,posed-more' },
    'pad-fraction': { type: 'string' },
    chunk: { type: 'string', default: '128' },
    align: { type: 'boolean', default: false },
  },
});

/** Where each source keeps its class folders. */
const ROOTS: Record<string, string> = {
  muxspace: 'muxspace',
  sfew2: 'sfew2/train',
  'posed-mix': 'posed-mix',
  yale: 'yale',
  expw: 'expw',
  'posed-more': 'posed-more',
};
const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };

function listFiles(root: string): { path: string; label: string }[] {
  const files: { path: string; label: string }[] = [];
  for (const label of EMOTIONS) {
    const dir = join(root, label);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) if (TYPES[extname(name).toLowerCase()]) files.push({ path: `${label}/${name}`, label });
  }
  return files;
}

const sources = values.sources
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of sources) if (!ROOTS[s]) throw new Error(`unknown source ${s}; known: ${Object.keys(ROOTS).join(', ')}`);
const chunk = Number(values.chunk);
const padFraction = values['pad-fraction'] === undefined ? undefined : Number(values['pad-fraction']);
const align = values.align;
const preparationPath = join(values.out, 'preparation.json');
if (existsSync(preparationPath) && (JSON.parse(readFileSync(preparationPath, 'utf8')) as { align?: boolean }).align !== align) {
  throw new Error(`${values.out} was prepared ${align ? 'without' : 'with'} --align; give another --out to keep both`);
}

const { server, url } = await startDevServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  for (const source of sources) {
    const root = join(values.data, ROOTS[source] as string);
    const dir = join(values.out, source);
    const files = listFiles(root);
    const indexPath = join(dir, 'index.csv');
    if (existsSync(indexPath) && readFileSync(indexPath, 'utf8').trim().split('\n').length === files.length + 1) {
      console.log(`${source}: ${files.length} faces already prepared in ${dir}`);
      continue;
    }
    mkdirSync(dir, { recursive: true });
    const gray = Buffer.alloc(files.length * 64 * 64);
    const rgb = Buffer.alloc(files.length * 112 * 112 * 3);
    const rows = ['i,path,label,status,faces,score,width,height,box_x,box_y,box_w,box_h,crop_x,crop_y,crop_side,roll'];
    const counts = { found: 0, padded: 0, missed: 0 };
    const t0 = Date.now();
    for (let start = 0; start < files.length; start += chunk) {
      const part = files.slice(start, start + chunk);
      const images = part.map((f) => ({ b64: readFileSync(join(root, f.path)).toString('base64'), type: TYPES[extname(f.path).toLowerCase()] as string }));
      const prepared = await page.evaluate(
        async ([imgs, fraction, turn]) => {
          const modulePath = '/scripts/lib/prepare-page.ts'; // served by the Vite dev server
          const { prepareFaces } = (await import(/* @vite-ignore */ modulePath)) as typeof import('./lib/prepare-page.ts');
          return prepareFaces(imgs, fraction, turn);
        },
        [images, padFraction, align] as const,
      );
      prepared.forEach((p: PreparedFace, k: number) => {
        const i = start + k;
        const f = files[i] as { path: string; label: string };
        counts[p.status]++;
        if (p.status !== 'missed') {
          Buffer.from(p.gray, 'base64').copy(gray, i * 64 * 64);
          Buffer.from(p.rgb, 'base64').copy(rgb, i * 112 * 112 * 3);
        }
        const b = p.box;
        const c = p.crop;
        const n = (v: number | undefined) => (v === undefined ? '' : v.toFixed(1));
        rows.push(
          [
            i,
            JSON.stringify(f.path),
            f.label,
            p.status,
            p.faces,
            p.score.toFixed(3),
            p.width,
            p.height,
            n(b?.x),
            n(b?.y),
            n(b?.width),
            n(b?.height),
            n(c?.x),
            n(c?.y),
            n(c?.width),
            p.roll.toFixed(4),
          ].join(','),
        );
      });
      const done = Math.min(files.length, start + chunk);
      process.stdout.write(`\r${source}: ${done}/${files.length} (${((done / (Date.now() - t0)) * 1000).toFixed(1)}/s) found ${counts.found}, padded ${counts.padded}, missed ${counts.missed}   `);
    }
    process.stdout.write('\n');
    writeFileSync(join(dir, 'gray64.u8'), gray);
    writeFileSync(join(dir, 'rgb112.u8'), rgb);
    writeFileSync(`${indexPath}.tmp`, rows.join('\n') + '\n');
    renameSync(`${indexPath}.tmp`, indexPath); // complete only once every row is there
  }
} finally {
  await browser.close();
  await server.close();
}
// How these faces were cut, for the trainer to write into the model card (training/sources.py preparation).
writeFileSync(preparationPath, JSON.stringify({ align, padFraction: padFraction ?? null }) + '\n');
// Duplicates across sets and person/film-wise folds, in the training toolkit (the one place that reads these files).
process.stdout.write(runPython(['training/sources.py', '--faces', values.out, '--summary']));
