/**
 * Evaluate an exported model the way the app runs it: TF.js (wasm or cpu backend), the app's own
 * crop/resize code (src/engine/crop.ts) and classifier (src/engine/classifier.ts).
 *
 *   npm run eval -- --model models/resemotenet-s --data ../shared/data/fer2013 [--leak-free] [--json out.json]
 *   npm run eval -- --model models/resemotenet-s --data ../shared/data/ck48 --classes all|present
 *   npm run eval -- --model models/resemotenet-s --faces .cache/faces        # the held-out folds
 *   npm run eval -- --model models/resemotenet-s --suite [--json out.json]    # every visible set, one table
 *
 * --data is an image-folder dataset <root>/<split>/<class>/*. Files in a `train` split are skipped
 * (except to find leaks); the rest are grouped by their file-name prefix (PublicTest_, PrivateTest_)
 * when they carry one, otherwise by split folder. Prints the same metrics as training/evaluate.py:
 * accuracy, macro-F1, per-class recall and precision, how often each class is predicted, ECE.
 * --classes present takes the argmax over the classes a split has (CK+48 has no neutral); the
 * default, all, is how the app runs. --leak-free needs a train split to find the twins in.
 * --faces reads the sources prepared by `npm run prepare-data` (their 64-px crops, cut by the app's
 * detector and crop) and scores the val and test folds that training/sources.py wrote in folds.csv;
 * a model whose card says align needs folds prepared with --align (--suite picks .cache/faces-aligned
 * for it, .cache/faces otherwise), and a mismatch is an error, never a quiet wrong figure.
 * --suite runs FER2013 (with --leak-free), CK+48 (7-way, as the app runs) and the folds, pools them
 * (pooled:val = PublicTest + every val fold, pooled:test = PrivateTest + every test fold, face by
 * face) and ends with three tables: accuracy, macro-F1, mean class recall, per-class recall, how
 * often "neutral" is said, ECE; the posed sets apart ("neutral" said against neutral faces); and
 * each answer's share beside the true share of each class.
 * --flip on|off overrides the model card's test-time flip (the mirrored crop averaged in).
 * Every crop is cut at the input size the model's card gives.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import { cropFaces } from '../src/engine/crop.ts';
import { EMOTIONS, type Emotion } from '../src/engine/emotions.ts';
import { parseMetadata } from '../src/engine/modelFormat.ts';
import { decodeImage, type RgbImage } from './lib/decode-image.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { confusionMatrix, decide, expectedCalibrationError, formatReport, poolSets, shareTable, summarizeConfusion, trueShares, type Summary } from './lib/metrics.ts';
import { type NodeBackend, activateNodeBackend } from './lib/node-backend.ts';

const IMAGE = /\.(jpe?g|png)$/i;

/** Every face of a set, for pooling sets face by face. */
export interface Scored {
  probs: Float32Array[];
  labels: number[];
  preds: number[];
}

export interface Sample {
  path: string;
  label: number;
  group: string;
}

export function listDataset(root: string): { eval: Sample[]; train: Sample[] } {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`data folder ${root} does not exist`);
  const evalSet: Sample[] = [];
  const train: Sample[] = [];
  for (const split of readdirSync(root).sort()) {
    const splitDir = join(root, split);
    if (!statSync(splitDir).isDirectory() || split.startsWith('.')) continue;
    for (const cls of readdirSync(splitDir).sort()) {
      const clsDir = join(splitDir, cls);
      if (!statSync(clsDir).isDirectory()) continue;
      const label = EMOTIONS.indexOf(cls as Emotion);
      if (label < 0) throw new Error(`unknown class folder ${clsDir}: expected one of ${EMOTIONS.join(', ')}`);
      for (const file of readdirSync(clsDir).sort()) {
        if (!IMAGE.test(file)) continue;
        const prefix = /^(PublicTest|PrivateTest|Training)_/.exec(file)?.[1];
        const sample = { path: join(clsDir, file), label, group: prefix ?? split };
        (split.toLowerCase() === 'train' || prefix === 'Training' ? train : evalSet).push(sample);
      }
    }
  }
  return { eval: evalSet, train };
}

function pixelHash(img: RgbImage): string {
  return createHash('sha1').update(img.data).update(`${img.width}x${img.height}`).digest('hex');
}

function load(path: string): RgbImage {
  return decodeImage(readFileSync(path), path);
}

async function predictAll(classifier: EmotionClassifier, images: RgbImage[], batch = 128): Promise<Float32Array[]> {
  const preds: Float32Array[] = [];
  for (let i = 0; i < images.length; i += batch) {
    const probs = tf.tidy(() => {
      const crops = images.slice(i, i + batch).map((img) => {
        const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
        return cropFaces(pixels, [{ x: 0, y: 0, width: img.width, height: img.height }], classifier.inputSize);
      });
      return classifier.predict(tf.concat(crops, 0) as tf.Tensor4D);
    });
    const flat = (await probs.data()) as Float32Array;
    probs.dispose();
    for (let j = 0; j < flat.length / EMOTIONS.length; j++) preds.push(flat.slice(j * EMOTIONS.length, (j + 1) * EMOTIONS.length));
  }
  return preds;
}

/** The val and test folds of the prepared sources (folds.csv), as gray 64x64 images by fold name. */
export function listFolds(faces: string): Map<string, { images: RgbImage[]; labels: number[] }> {
  const roles = new Map<string, string>();
  const foldsPath = join(faces, 'folds.csv');
  if (!statSync(foldsPath, { throwIfNoEntry: false })) throw new Error(`${foldsPath} does not exist: run npm run prepare-data first`);
  for (const line of readFileSync(foldsPath, 'utf8').trim().split(/\r?\n/).slice(1)) {
    const [source, i, role] = line.split(',');
    roles.set(`${source}/${i}`, role as string);
  }
  const out = new Map<string, { images: RgbImage[]; labels: number[] }>();
  for (const source of [...new Set([...roles.keys()].map((k) => k.split('/')[0] as string))]) {
    const rows = readFileSync(join(faces, source, 'index.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const gray = readFileSync(join(faces, source, 'gray64.u8'));
    rows.forEach((row, i) => {
      const role = roles.get(`${source}/${i}`);
      if (role !== 'val' && role !== 'test') return;
      const label = EMOTIONS.indexOf(row.split(',')[2] as Emotion);
      const data = new Uint8Array(64 * 64 * 3);
      for (let p = 0; p < 64 * 64; p++) data.fill(gray[i * 4096 + p] as number, p * 3, p * 3 + 3);
      const key = `${source}:${role}`;
      const fold = out.get(key) ?? { images: [], labels: [] };
      fold.images.push({ width: 64, height: 64, data });
      fold.labels.push(label);
      out.set(key, fold);
    });
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether `npm run prepare-data` cut these faces with --align (its preparation.json; older folders: straight). */
export function foldsAligned(faces: string): boolean {
  const path = join(faces, 'preparation.json');
  return statSync(path, { throwIfNoEntry: false }) ? (JSON.parse(readFileSync(path, 'utf8')) as { align?: boolean }).align === true : false;
}

export async function evaluateFolds(opts: { model: string; faces: string; backend: NodeBackend; flip?: boolean; log?: (s: string) => void; scored?: Map<string, Scored> }) {
  const log = opts.log ?? console.log;
  const backend = await activateNodeBackend(opts.backend);
  const { artifacts } = await readModelArtifacts(opts.model);
  const classifier = await EmotionClassifier.fromArtifacts(artifacts);
  if (opts.flip !== undefined) classifier.flip = opts.flip;
  const aligned = classifier.metadata.preprocessing.align;
  if (foldsAligned(opts.faces) !== aligned) {
    classifier.dispose();
    throw new Error(
      `${opts.model} wants ${aligned ? 'eye-aligned' : 'straight'} crops, but ${opts.faces} was prepared ${aligned ? 'straight' : 'with --align'}; give --faces ${aligned ? '.cache/faces-aligned' : '.cache/faces'}`,
    );
  }
  const results: Record<string, Summary> = {};
  for (const [name, fold] of listFolds(opts.faces)) {
    const probs = await predictAll(classifier, fold.images);
    const preds = decide(probs, fold.labels, 'all');
    opts.scored?.set(name, { probs, labels: fold.labels, preds });
    results[name] = { ...summarizeConfusion(confusionMatrix(fold.labels, preds)), ece: expectedCalibrationError(probs, fold.labels) };
    log(formatReport(`${name} (tfjs ${backend}, classes=all)`, results[name]));
  }
  classifier.dispose();
  return results;
}

/** One line per set: n, accuracy, macro-F1, mean class recall, recall of each class, the share answered "neutral", ECE. */
export function suiteTable(splits: Record<string, Summary>): string {
  const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)}`);
  const head = `| set | n | acc % | macro-F1 | mean recall % | ${EMOTIONS.map((c) => `${c} %`).join(' | ')} | said neutral % | ECE |`;
  const rule = `|${' --- |'.repeat(6 + EMOTIONS.length + 1)}`;
  const rows = Object.entries(splits).map(([name, s]) => {
    const present = (c: string) => s.confusion[EMOTIONS.indexOf(c as Emotion)]?.some((v) => v > 0);
    return `| ${name} | ${s.n} | ${pct(s.accuracy)} | ${s.macro_f1.toFixed(3)} | ${pct(s.mean_recall)} | ${EMOTIONS.map((c) => (present(c) ? pct(s.recall[c]) : '–')).join(' | ')} | ${pct(s.predicted.neutral)} | ${s.ece?.toFixed(3) ?? '–'} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** Sets of acted faces: a person making a face, where "neutral" is the answer that fails a user first. */
export const POSED = /^(CK\+48|posed-more:|posed-mix:)/;

/** The posed sets apart: how often each says "neutral" against how often the face is neutral. */
export function neutralTable(splits: Record<string, Summary>): string {
  const rows = Object.entries(splits).filter(([name]) => POSED.test(name));
  const pct = (v: number | undefined) => ((v ?? 0) * 100).toFixed(1);
  return [
    '| posed set | n | said neutral % | neutral faces % | mean recall % |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(([name, s]) => `| ${name} | ${s.n} | ${pct(s.predicted.neutral)} | ${pct(trueShares(s).neutral)} | ${pct(s.mean_recall)} |`),
  ].join('\n');
}

export async function evaluateModel(opts: {
  model: string;
  data: string;
  backend: NodeBackend;
  leakFree: boolean;
  classes?: 'all' | 'present';
  flip?: boolean;
  log?: (s: string) => void;
  scored?: Map<string, Scored>;
}) {
  const classes = opts.classes ?? 'all';
  const log = opts.log ?? console.log;
  const backend = await activateNodeBackend(opts.backend);
  const { artifacts, bytes } = await readModelArtifacts(opts.model);
  const classifier = await EmotionClassifier.fromArtifacts(artifacts);
  if (opts.flip !== undefined) classifier.flip = opts.flip;
  const meta = classifier.metadata;
  log(`${meta.name} (${meta.architecture.variant}, ${meta.quantization}, ${(bytes / 1e6).toFixed(2)} MB) on ${backend}${classifier.flip ? ', flip averaged' : ''}`);
  const { eval: samples, train } = listDataset(opts.data);
  const groups = new Map<string, Sample[]>();
  for (const s of samples) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  if (opts.leakFree && train.length === 0) throw new Error(`--leak-free needs a train split in ${opts.data} to find the test images' twins in; it has none`);
  const trainHashes = opts.leakFree ? new Set(train.map((s) => pixelHash(load(s.path)))) : null;
  const results: Record<string, Summary> = {};
  const t0 = performance.now();
  for (const [group, items] of [...groups].sort()) {
    const images = items.map((s) => load(s.path));
    const probs = await predictAll(classifier, images);
    const labels = items.map((s) => s.label);
    const preds = decide(probs, labels, classes);
    opts.scored?.set(group, { probs, labels, preds });
    results[group] = { ...summarizeConfusion(confusionMatrix(labels, preds)), ece: expectedCalibrationError(probs, labels) };
    log(formatReport(`${group} (tfjs ${backend}, classes=${classes})`, results[group]));
    if (trainHashes && group === 'PrivateTest') {
      const keep = images.map((img) => !trainHashes.has(pixelHash(img)));
      const name = 'PrivateTestLeakFree';
      const kept = labels.filter((_, i) => keep[i]);
      const keptProbs = probs.filter((_, i) => keep[i]);
      results[name] = {
        ...summarizeConfusion(
          confusionMatrix(
            kept,
            preds.filter((_, i) => keep[i]),
          ),
        ),
        ece: expectedCalibrationError(keptProbs, kept),
      };
      log(formatReport(`${name} (tfjs ${backend}; ${keep.filter((k) => !k).length} files with a twin in train left out)`, results[name]));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`${samples.length} images in ${seconds.toFixed(1)} s`);
  classifier.dispose();
  return { model: relative(process.cwd(), opts.model) || opts.model, backend, bytes, quantization: meta.quantization, classes, splits: results };
}

/** Read from the model's card, so `--suite` picks the folds cut the way the model was trained. */
async function modelWantsAlignment(model: string): Promise<boolean> {
  const { artifacts } = await readModelArtifacts(model);
  return parseMetadata(artifacts.userDefinedMetadata).preprocessing.align;
}

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      data: { type: 'string', default: '../shared/data/fer2013' },
      backend: { type: 'string', default: 'wasm' },
      'leak-free': { type: 'boolean', default: false },
      classes: { type: 'string', default: 'all' },
      json: { type: 'string' },
      faces: { type: 'string' },
      suite: { type: 'boolean', default: false },
      flip: { type: 'string' },
      shared: { type: 'string', default: '../shared/data' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.model) {
    console.log('usage: npm run eval -- --model models/<name> [--data <folder>] [--backend wasm|cpu] [--leak-free] [--classes all|present] [--json out.json]');
    process.exit(values.help ? 0 : 2);
  }
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error('--backend must be wasm or cpu');
  if (values.classes !== 'all' && values.classes !== 'present') throw new Error('--classes must be all or present');
  if (values.flip !== undefined && values.flip !== 'on' && values.flip !== 'off') throw new Error('--flip must be on or off');
  const flip = values.flip === undefined ? undefined : values.flip === 'on';
  if (values.suite) {
    const quiet = () => undefined;
    const scored = new Map<string, Scored>();
    const fer = await evaluateModel({ model: values.model, data: join(values.shared, 'fer2013'), backend: values.backend, leakFree: true, flip, log: quiet, scored });
    const ck = await evaluateModel({ model: values.model, data: join(values.shared, 'ck48'), backend: values.backend, leakFree: false, flip, log: quiet });
    const faces = values.faces ?? ((await modelWantsAlignment(values.model)) ? '.cache/faces-aligned' : '.cache/faces');
    const folds = await evaluateFolds({ model: values.model, faces, backend: values.backend, flip, log: quiet, scored });
    const pool = (first: string, suffix: string) => poolSets([...scored].filter(([name]) => name === first || name.endsWith(suffix)).map(([, s]) => s));
    const splits = { ...fer.splits, 'CK+48': ck.splits.test as Summary, ...folds, 'pooled:val': pool('PublicTest', ':val'), 'pooled:test': pool('PrivateTest', ':test') }; // CK+48 7-way: as the app runs it
    console.log(`${values.model} on ${fer.backend}, as the app runs it (all 7 classes allowed${flip === undefined ? '' : `, flip ${values.flip}`})`);
    console.log(suiteTable(splits));
    console.log('\nThe posed sets apart: "neutral" said against neutral faces:');
    console.log(neutralTable(splits));
    console.log("\nEach answer's share beside the true share of each class:");
    console.log(shareTable(splits));
    if (values.json) writeFileSync(values.json, JSON.stringify({ ...fer, splits }, null, 1));
    return;
  }
  if (values.faces) {
    const splits = await evaluateFolds({ model: values.model, faces: values.faces, backend: values.backend, flip });
    if (values.json) writeFileSync(values.json, JSON.stringify({ model: values.model, splits }, null, 1));
    return;
  }
  const result = await evaluateModel({ model: values.model, data: values.data, backend: values.backend, leakFree: values['leak-free'], classes: values.classes, flip });
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 1));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  });
}
