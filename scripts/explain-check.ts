/**
 * Which "why this emotion" map to ship: the sliding occlusion patch (7 x 7 places), occlusion by
 * 4 x 4 blocks, occlusion searched coarse to fine, or gradient x input (src/engine/explain.ts),
 * measured against answers known without the map, on real faces, with a shipped model run as the
 * app runs it (its crop, its classifier), and what each costs:
 *
 *   npx tsx scripts/explain-check.ts [--model models/resemotenet-s7] [--faces .cache/faces] [--limit 150]
 *                                    [--fer ../shared/data/fer2013 --per-class 20] [--backend wasm]
 *
 * - cost: forward passes a face, and the CPU time a face (this process's, so another job on the
 *   machine does not inflate it as it does wall-clock time).
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
import { coarseToFineMap, type ExplanationMap, gradientMap, occlusionMap } from '../src/engine/explain.ts';
import { listDataset } from './evaluate-model.ts';
import { decodeImage } from './lib/decode-image.ts';
import { listFolds } from './evaluate-model.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { activateNodeBackend, type NodeBackend } from './lib/node-backend.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/resemotenet-s7' },
    faces: { type: 'string', default: '.cache/faces' },
    limit: { type: 'string', default: '150' },
    fer: { type: 'string' },
    'per-class': { type: 'string', default: '20' },
    backend: { type: 'string', default: 'wasm' },
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
  if (values.fer) {
    // FER2013's PrivateTest faces (48 px, framed as the model was trained): the same count of each class.
    const perClass = Number(values['per-class']);
    const taken = new Map<number, number>();
    for (const sample of listDataset(values.fer).eval.filter((x) => x.group === 'PrivateTest')) {
      if ((taken.get(sample.label) ?? 0) >= perClass) continue;
      taken.set(sample.label, (taken.get(sample.label) ?? 0) + 1);
      const img = decodeImage(readFileSync(sample.path));
      const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
      out.push(cropFaces(pixels, [{ x: 0, y: 0, width: img.width, height: img.height }], 64));
      pixels.dispose();
    }
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
  return tf.tidy(() => predict(crop).arraySync()[0]?.[k] ?? 0);
}

const mouthCells = Array.from({ length: 64 }, (_, c) => c).filter((c) => Math.floor(c / 8) * 8 >= MOUTH.y0 && Math.floor(c / 8) * 8 < MOUTH.y1 && (c % 8) * 8 >= MOUTH.x0 && (c % 8) * 8 < MOUTH.x1);
const top = (v: Float32Array, k: number) => [...v.keys()].sort((a, b) => (v[b] ?? 0) - (v[a] ?? 0)).slice(0, k);
let seed = 1;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const randomCells = (k: number) => [...Array(64).keys()].sort(() => random() - 0.5).slice(0, k);

const faces = crops();
/** Each map: how it is made, and how many crops it sends through the model. */
const METHODS = {
  'occlusion 7 x 7 (patch 16, stride 8)': { passes: 50, make: (crop: tf.Tensor4D) => occlusionMap(predict, crop) },
  'occlusion 4 x 4 blocks (16 px)': { passes: 17, make: (crop: tf.Tensor4D) => occlusionMap(predict, crop, undefined, { patch: 16, stride: 16 }) },
  'coarse to fine (4 x 4, then 2 blocks in 8 px)': { passes: 25, make: (crop: tf.Tensor4D) => coarseToFineMap(predict, crop) },
  'gradient x input': { passes: 1, make: async (crop: tf.Tensor4D, target = 0, probability = 0) => gradientMap((b) => tf.log(tf.add(predict(b), 1e-7)) as tf.Tensor2D, crop, target, probability) },
} as const;
type Method = keyof typeof METHODS;
const names = Object.keys(METHODS) as Method[];
const stats = Object.fromEntries(names.map((m) => [m, { fall: 0, mouthShare: 0, cpuMs: 0, failed: '' }])) as Record<Method, { fall: number; mouthShare: number; cpuMs: number; failed: string }>;
const totals = { random: 0, mouthFall: 0, n: 0, happy: 0 };
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
for (const crop of faces) {
  const base = await occlusionMap(predict, crop, undefined, { patch: 64, stride: 64 }); // the answer and its probability
  const target = base.target;
  const p = base.probability;
  const fall = (m: ExplanationMap) => {
    const hiddenCrop = hide(crop, top(m.values, K));
    const f = p - prob(hiddenCrop, target);
    hiddenCrop.dispose();
    return f;
  };
  const share = (m: ExplanationMap) =>
    mouthCells.reduce((s, c) => s + (m.values[c] ?? 0), 0) /
    Math.max(
      1e-9,
      m.values.reduce((a, b) => a + b, 0),
    );
  for (const name of names) {
    if (stats[name].failed) continue;
    try {
      const c0 = process.cpuUsage();
      const map = await METHODS[name].make(crop, target, p);
      stats[name].cpuMs += cpuMs(process.cpuUsage(c0));
      stats[name].fall += fall(map);
      if (target === HAPPY) stats[name].mouthShare += share(map);
    } catch (err) {
      stats[name].failed = (err as Error).message.split('\n')[0] ?? 'failed';
    }
  }
  let r = 0;
  for (let i = 0; i < 5; i++) {
    const hiddenCrop = hide(crop, randomCells(K));
    r += (p - prob(hiddenCrop, target)) / 5;
    hiddenCrop.dispose();
  }
  totals.random += r;
  totals.n++;
  if (target === HAPPY) {
    const hiddenCrop = hide(crop, mouthCells);
    totals.mouthFall += p - prob(hiddenCrop, HAPPY);
    hiddenCrop.dispose();
    totals.happy++;
  }
  crop.dispose();
  if (totals.n % 10 === 0) process.stderr.write(`${totals.n}/${faces.length} faces\n`);
}
const n = totals.n;
const h = Math.max(1, totals.happy);
console.log(`${values.model} on tfjs ${tf.getBackend()} (one pass of the model, no mirror): ${n} faces (${totals.happy} answered happy); hiding ${K} of 64 cells (crop mean gray)`);
console.log('| map | fall of the explained probability when its top cells are hidden | same, random cells | share of the map on the mouth (happy faces) | crops through the model | CPU ms a face |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const m of names) {
  if (stats[m].failed) {
    console.log(`| ${m} | not on this backend: ${stats[m].failed} | | | | |`);
    continue;
  }
  console.log(
    `| ${m} | ${(stats[m].fall / n).toFixed(3)} | ${(totals.random / n).toFixed(3)} | ${((stats[m].mouthShare / h) * 100).toFixed(1)} % (the region is ${((mouthCells.length / 64) * 100).toFixed(1)} % of the crop) | ${METHODS[m].passes} | ${(stats[m].cpuMs / n).toFixed(0)} |`,
  );
}
console.log(`known answer: hiding the mouth region of the happy faces lowers "happy" by ${(totals.mouthFall / h).toFixed(3)} on average`);
classifier.dispose();
