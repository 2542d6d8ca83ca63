/**
 * Which "why this emotion" map to ship: occlusion sensitivity or gradient x input
 * (src/engine/explain.ts), measured against answers known without the map, on real faces, with a
 * shipped model run as the app runs it (its crop, its classifier):
 *
 *   npx tsx scripts/explain-check.ts [--model models/resemotenet-s5] [--faces .cache/faces] [--limit 150] [--backend cpu]
 *
 * - deletion: hide (with the crop's mean gray, as the occlusion map does; 1 in 8 cells) the cells a
 *   map ranks highest; the explained emotion's probability must fall more than when as many random
 *   cells are hidden. The larger the fall, the more faithful the map (Samek et al., 2017).
 * - the mouth of a smiling face: for faces the model calls happy, the share of the map inside the
 *   mouth's region of the crop (the lower middle: rows 40-56, columns 16-48 of 64), and, as the
 *   known answer itself, how much hiding that region lowers "happy".
 *
 * Faces: the committed photos' labelled faces (e2e/fixtures/faces.json) and, when prepared
 * (`npm run prepare-data`), the test folds of ExpW and muxspace (research data: figures only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import { cropFaces, squareCrop } from '../src/engine/crop.ts';
import { EMOTIONS } from '../src/engine/emotions.ts';
import { type ExplanationMap, gradientMap, occlusionMap } from '../src/engine/explain.ts';
import { decodeImage } from './lib/decode-image.ts';
import { listFolds } from './evaluate-model.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { activateNodeBackend, type NodeBackend } from './lib/node-backend.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/resemotenet-s5' },
    faces: { type: 'string', default: '.cache/faces' },
    limit: { type: 'string', default: '150' },
    backend: { type: 'string', default: 'cpu' },
  },
});
const HAPPY = EMOTIONS.indexOf('happy');
const K = 8; // hidden cells: 1 in 8 of the 8 x 8 grid
const MOUTH = { y0: 40, y1: 56, x0: 16, x1: 48 };

await activateNodeBackend(values.backend as NodeBackend);
const classifier = await EmotionClassifier.fromArtifacts((await readModelArtifacts(values.model)).artifacts);
classifier.flip = false; // the map explains one pass of the model
const predict = (b: tf.Tensor4D) => classifier.predict(b);

/** Every face as a (1, 64, 64, 1) crop. */
function crops(): tf.Tensor4D[] {
  const out: tf.Tensor4D[] = [];
  const fixtures = join(import.meta.dirname, '..', 'e2e', 'fixtures');
  const faces = JSON.parse(readFileSync(join(fixtures, 'faces.json'), 'utf8')) as Record<string, { box: { x: number; y: number; width: number; height: number } }[] | string>;
  for (const [photo, list] of Object.entries(faces)) {
    if (!Array.isArray(list)) continue;
    const img = decodeImage(readFileSync(join(fixtures, photo)));
    const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    for (const f of list) out.push(cropFaces(pixels, [squareCrop(f.box, img.width, img.height)], 64));
    pixels.dispose();
  }
  if (existsSync(join(values.faces, 'folds.csv'))) {
    const folds = listFolds(values.faces);
    for (const name of ['expw:test', 'muxspace:test']) {
      const fold = folds.get(name);
      if (!fold) continue;
      // muxspace is mostly happy and neutral: take every other class and as many happy faces
      const take = fold.images.slice(0, Number(values.limit));
      for (const im of take) {
        const gray = new Float32Array(64 * 64);
        for (let p = 0; p < 64 * 64; p++) gray[p] = (im.data[p * 3] as number) / 255;
        out.push(tf.tensor4d(gray, [1, 64, 64, 1]));
      }
    }
  }
  return out;
}

/** The crop with `cells` (of the 8 x 8 grid) hidden by its mean gray. */
function hide(crop: tf.Tensor4D, cells: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const m = new Float32Array(64 * 64);
    for (const c of cells) for (let y = Math.floor(c / 8) * 8; y < Math.floor(c / 8) * 8 + 8; y++) for (let x = (c % 8) * 8; x < (c % 8) * 8 + 8; x++) m[y * 64 + x] = 1;
    const mask = tf.tensor4d(m, [1, 64, 64, 1]);
    return tf.add(tf.mul(crop, tf.sub(1, mask)), tf.mul(tf.mean(crop), mask)) as tf.Tensor4D;
  });
}

function prob(crop: tf.Tensor4D, k: number): number {
  return tf.tidy(() => (predict(crop).arraySync() as number[][])[0]?.[k] ?? 0);
}

const mouthCells = Array.from({ length: 64 }, (_, c) => c).filter((c) => Math.floor(c / 8) * 8 >= MOUTH.y0 && Math.floor(c / 8) * 8 < MOUTH.y1 && (c % 8) * 8 >= MOUTH.x0 && (c % 8) * 8 < MOUTH.x1);
const top = (v: Float32Array, k: number) => [...v.keys()].sort((a, b) => (v[b] ?? 0) - (v[a] ?? 0)).slice(0, k);
let seed = 1;
const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const randomCells = (k: number) => [...Array(64).keys()].sort(() => random() - 0.5).slice(0, k);

const faces = crops();
const stats = { occlusion: { fall: 0, mouthShare: 0, ms: 0 }, gradient: { fall: 0, mouthShare: 0, ms: 0 }, random: 0, mouthFall: 0, n: 0, happy: 0 };
for (const crop of faces) {
  const t0 = performance.now();
  const occ = await occlusionMap(predict, crop);
  const t1 = performance.now();
  const grad = await gradientMap((b) => tf.log(tf.add(predict(b), 1e-7)) as tf.Tensor2D, crop, occ.target, occ.probability);
  const t2 = performance.now();
  stats.occlusion.ms += t1 - t0;
  stats.gradient.ms += t2 - t1;
  const p = occ.probability;
  const fall = (m: ExplanationMap) => {
    const hidden = hide(crop, top(m.values, K));
    const f = p - prob(hidden, occ.target);
    hidden.dispose();
    return f;
  };
  stats.occlusion.fall += fall(occ);
  stats.gradient.fall += fall(grad);
  let r = 0;
  for (let i = 0; i < 5; i++) {
    const hidden = hide(crop, randomCells(K));
    r += (p - prob(hidden, occ.target)) / 5;
    hidden.dispose();
  }
  stats.random += r;
  stats.n++;
  if (occ.target === HAPPY) {
    const share = (m: ExplanationMap) => mouthCells.reduce((s, c) => s + (m.values[c] ?? 0), 0) / Math.max(1e-9, m.values.reduce((a, b) => a + b, 0));
    stats.occlusion.mouthShare += share(occ);
    stats.gradient.mouthShare += share(grad);
    const hidden = hide(crop, mouthCells);
    stats.mouthFall += p - prob(hidden, HAPPY);
    hidden.dispose();
    stats.happy++;
  }
  crop.dispose();
  if (stats.n % 10 === 0) process.stderr.write(`${stats.n}/${faces.length} faces\n`);
}
const n = stats.n;
const h = Math.max(1, stats.happy);
console.log(`${values.model} on tfjs ${tf.getBackend()}: ${n} faces (${stats.happy} answered happy); hiding ${K} of 64 cells (crop mean gray)`);
console.log('| map | fall of the explained probability when its top cells are hidden | same, random cells | share of the map on the mouth (happy faces) | ms a face |');
console.log('| --- | --- | --- | --- | --- |');
for (const m of ['occlusion', 'gradient'] as const) {
  console.log(`| ${m} | ${(stats[m].fall / n).toFixed(3)} | ${(stats.random / n).toFixed(3)} | ${((stats[m].mouthShare / h) * 100).toFixed(1)} % (the region is ${((mouthCells.length / 64) * 100).toFixed(1)} % of the crop) | ${(stats[m].ms / n).toFixed(0)} |`);
}
console.log(`known answer: hiding the mouth region of the happy faces lowers "happy" by ${(stats.mouthFall / h).toFixed(3)} on average`);
classifier.dispose();
