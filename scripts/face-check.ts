/**
 * The labelled data behind the face check (engine/faceCheck.ts) and the one face floor: every
 * detection the app's detector makes, just under its floor included, on faces and on things that
 * are not faces, with what a check could read (score, box, keypoints, the box looked at again).
 *
 *   npm run face-check -- collect [--data ../shared/data] [--out .cache/face-check]
 *   npm run face-check -- report  [--out .cache/face-check]
 *
 * collect, headless Chromium through the Vite dev server (scripts/lib/face-check-page.ts):
 * - faces: a fixed sample of the face sources in ../shared/data (web crops, film faces, posed
 *   faces, tight ExpW boxes), each one face, analysed as a photo (the engine's photo path);
 * - scenes: the full-scene photos (../shared/data/photos and the committed e2e photos), as a
 *   photo and as a camera frame; their faces are the boxes listed in scene-faces.json (checked
 *   by eye), every other detection there is a false face;
 * - non-faces: regions of those scenes that hold no face (a margin away from every listed face),
 *   at several sizes, each as a photo and as a frame: every detection there is a false face.
 * report: the detector's floor alone against the floor with the face check, faces kept and false
 * faces removed (docs/reliability.md quotes it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Box } from '../src/engine/box.ts';
import { launchChromium, startDevServer } from './lib/browser.ts';
import type { ExaminedImage } from './lib/face-check-page.ts';
import type { Rec } from './lib/face-check-report.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: '.cache/face-check' },
    only: { type: 'string' },
  },
});
const command = positionals[0] ?? 'report';
const data = values.data;
const out = values.out;
const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };

/** Face sources: folder under ../shared/data and how many files (every k-th of the sorted list). */
const FACE_SETS: { name: string; root: string; take: number }[] = [
  { name: 'muxspace', root: 'muxspace', take: 1200 },
  { name: 'sfew2', root: 'sfew2/train', take: 857 },
  { name: 'expw', root: 'expw', take: 1000 },
  { name: 'posed-mix', root: 'posed-mix', take: 400 },
  { name: 'posed-more', root: 'posed-more', take: 300 },
  { name: 'yale', root: 'yale', take: 59 },
];

/** The full-scene photos (the committed e2e ones and ../shared/data/photos). */
export function scenePhotos(): { name: string; path: string }[] {
  const shared = join(data, 'photos');
  const own = [
    'group-3.jpg',
    'group-4.jpg',
    'group-6.jpg',
    ...readdirSync('e2e/fixtures')
      .filter((f) => f.startsWith('webcam-'))
      .sort(),
  ].map((f) => ({ name: f, path: join('e2e/fixtures', f) }));
  const theirs = existsSync(shared)
    ? readdirSync(shared)
        .filter((f) => TYPES[extname(f).toLowerCase()])
        .sort()
        .map((f) => ({ name: f, path: join(shared, f) }))
    : [];
  return [...own, ...theirs];
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (name.isDirectory()) walk(join(dir, name.name), rel ? `${rel}/${name.name}` : name.name);
      else if (TYPES[extname(name.name).toLowerCase()]) files.push(rel ? `${rel}/${name.name}` : name.name);
    }
  };
  walk(root, '');
  return files;
}

/** Every k-th file, so the sample spreads over every class folder. */
export function spread<T>(items: readonly T[], take: number): T[] {
  if (take >= items.length) return [...items];
  return Array.from({ length: take }, (_, i) => items[Math.floor((i * items.length) / take)] as T);
}

/** Windows of a scene that keep `margin` box sizes away from every face listed for it. */
export function emptyRegions(width: number, height: number, faces: readonly Box[], margin = 0.6): Box[] {
  const regions: Box[] = [];
  const short = Math.min(width, height);
  for (const f of [0.2, 0.3, 0.45, 0.65]) {
    const side = Math.round(f * short);
    const step = Math.round(side / 2);
    for (let y = 0; y + side <= height; y += step)
      for (let x = 0; x + side <= width; x += step) {
        const r = { x, y, width: side, height: side };
        const clear = faces.every((b) => {
          const m = margin * Math.max(b.width, b.height);
          return r.x + r.width <= b.x - m || r.x >= b.x + b.width + m || r.y + r.height <= b.y - m || r.y >= b.y + b.height + m;
        });
        if (clear) regions.push(r);
      }
  }
  return regions;
}

async function collect(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const { server, url } = await startDevServer();
  const browser = await launchChromium();
  const only = values.only ? new Set(values.only.split(',')) : null;
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(url);
    const run = async (images: { b64: string; type: string }[], kind: 'photo' | 'frame') =>
      page.evaluate(
        async ([imgs, k]) => {
          const modulePath = '/scripts/lib/face-check-page.ts';
          const { examine } = (await import(/* @vite-ignore */ modulePath)) as typeof import('./lib/face-check-page.ts');
          return examine(imgs, k);
        },
        [images, kind] as const,
      );
    const image = (path: string) => ({ b64: readFileSync(path).toString('base64'), type: TYPES[extname(path).toLowerCase()] as string });
    for (const set of FACE_SETS) {
      if (only && !only.has(set.name)) continue;
      const file = join(out, `faces-${set.name}.jsonl`);
      if (existsSync(file)) {
        console.log(`${set.name}: done before (${file})`);
        continue;
      }
      const root = join(data, set.root);
      const files = spread(listFiles(root), set.take);
      const lines: string[] = [];
      const t0 = Date.now();
      for (let i = 0; i < files.length; i += 64) {
        const part = files.slice(i, i + 64);
        const results = await run(
          part.map((f) => image(join(root, f))),
          'photo',
        );
        results.forEach((result, k) => lines.push(JSON.stringify({ set: set.name, file: part[k] as string, kind: 'photo', truth: 'face', result } satisfies Rec)));
        process.stdout.write(`\r${set.name}: ${Math.min(files.length, i + 64)}/${files.length} (${(((i + part.length) / (Date.now() - t0)) * 1000).toFixed(1)}/s)   `);
      }
      process.stdout.write('\n');
      writeFileSync(file, lines.join('\n') + '\n');
    }
    if (!only || only.has('scenes')) {
      const lines: string[] = [];
      for (const s of scenePhotos())
        for (const kind of ['photo', 'frame'] as const) {
          const [result] = await run([image(s.path)], kind);
          lines.push(JSON.stringify({ set: 'scenes', file: s.name, kind, truth: 'scene', result: result as ExaminedImage } satisfies Rec));
        }
      writeFileSync(join(out, 'scenes.jsonl'), lines.join('\n') + '\n');
      console.log(`scenes: ${lines.length / 2} photos`);
    }
    if (!only || only.has('regions')) {
      const listed = JSON.parse(readFileSync('scripts/face-check.scene-faces.json', 'utf8')) as Record<string, Box[] | string>;
      const lines: string[] = [];
      for (const s of scenePhotos()) {
        const faces = listed[s.name];
        if (!Array.isArray(faces)) throw new Error(`scripts/face-check.scene-faces.json lists no faces for ${s.name}`);
        const [whole] = await run([image(s.path)], 'frame');
        const regions = emptyRegions((whole as ExaminedImage).width, (whole as ExaminedImage).height, faces);
        for (const kind of ['photo', 'frame'] as const) {
          const results = await page.evaluate(
            async ([img, rs, k]) => {
              const modulePath = '/scripts/lib/face-check-page.ts';
              const { examineRegions } = (await import(/* @vite-ignore */ modulePath)) as typeof import('./lib/face-check-page.ts');
              return examineRegions(img, rs, k);
            },
            [image(s.path), regions, kind] as const,
          );
          results.forEach((result, k) => lines.push(JSON.stringify({ set: 'regions', file: s.name, kind, truth: 'none', region: regions[k] as Box, result } satisfies Rec)));
        }
        console.log(`regions: ${s.name}: ${regions.length} regions without a face`);
      }
      writeFileSync(join(out, 'regions.jsonl'), lines.join('\n') + '\n');
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

if (command === 'collect') await collect();
else if (command === 'report')
  (await import('./lib/face-check-report.ts')).reportFaceCheck(out, JSON.parse(readFileSync('scripts/face-check.scene-faces.json', 'utf8')) as Record<string, Box[] | string>);
else throw new Error(`unknown command ${command}: collect or report`);
