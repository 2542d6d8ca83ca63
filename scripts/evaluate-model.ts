/**
 * Evaluate an exported model the way the app runs it: TF.js (wasm or cpu backend), the app's own
 * crop/resize code (src/engine/crop.ts) and classifier (src/engine/classifier.ts).
 *
 *   npm run eval -- --model models/resemotenet-s --data ../shared/data/fer2013 [--leak-free] [--json out.json]
 *   npm run eval -- --model models/resemotenet-s --data ../shared/data/ck48 --classes all|present
 *
 * --data is an image-folder dataset <root>/<split>/<class>/*. Files in a `train` split are skipped
 * (except to find leaks); the rest are grouped by their file-name prefix (PublicTest_, PrivateTest_)
 * when they carry one, otherwise by split folder. Prints the same metrics as training/evaluate.py:
 * accuracy, macro-F1, per-class recall and precision, how often each class is predicted, ECE.
 * --classes present takes the argmax over the classes a split has (CK+48 has no neutral); the
 * default, all, is how the app runs. --leak-free needs a train split to find the twins in.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import { cropFaces } from '../src/engine/crop.ts';
import { EMOTIONS, type Emotion } from '../src/engine/emotions.ts';
import { decodeImage, type RgbImage } from './lib/decode-image.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { confusionMatrix, decide, expectedCalibrationError, formatReport, summarizeConfusion, type Summary } from './lib/metrics.ts';
import { type NodeBackend, activateNodeBackend } from './lib/node-backend.ts';

const IMAGE = /\.(jpe?g|png)$/i;

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
        return cropFaces(pixels, [{ x: 0, y: 0, width: img.width, height: img.height }]);
      });
      return classifier.predict(tf.concat(crops, 0) as tf.Tensor4D);
    });
    const flat = (await probs.data()) as Float32Array;
    probs.dispose();
    for (let j = 0; j < flat.length / EMOTIONS.length; j++) preds.push(flat.slice(j * EMOTIONS.length, (j + 1) * EMOTIONS.length));
  }
  return preds;
}

export async function evaluateModel(opts: { model: string; data: string; backend: NodeBackend; leakFree: boolean; classes?: 'all' | 'present'; log?: (s: string) => void }) {
  const classes = opts.classes ?? 'all';
  const log = opts.log ?? console.log;
  const backend = await activateNodeBackend(opts.backend);
  const { artifacts, bytes } = await readModelArtifacts(opts.model);
  const classifier = await EmotionClassifier.fromArtifacts(artifacts);
  const meta = classifier.metadata;
  log(`${meta.name} (${meta.architecture.variant}, ${meta.quantization}, ${(bytes / 1e6).toFixed(2)} MB) on ${backend}`);
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
    results[group] = { ...summarizeConfusion(confusionMatrix(labels, preds)), ece: expectedCalibrationError(probs, labels) };
    log(formatReport(`${group} (tfjs ${backend}, classes=${classes})`, results[group]));
    if (trainHashes && group === 'PrivateTest') {
      const keep = images.map((img) => !trainHashes.has(pixelHash(img)));
      const name = 'PrivateTestLeakFree';
      const kept = labels.filter((_, i) => keep[i]);
      const keptProbs = probs.filter((_, i) => keep[i]);
      results[name] = { ...summarizeConfusion(confusionMatrix(kept, preds.filter((_, i) => keep[i]))), ece: expectedCalibrationError(keptProbs, kept) };
      log(formatReport(`${name} (tfjs ${backend}; ${keep.filter((k) => !k).length} files with a twin in train left out)`, results[name]));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`${samples.length} images in ${seconds.toFixed(1)} s`);
  classifier.dispose();
  return { model: relative(process.cwd(), opts.model) || opts.model, backend, bytes, quantization: meta.quantization, classes, splits: results };
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
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.model) {
    console.log('usage: npm run eval -- --model models/<name> [--data <folder>] [--backend wasm|cpu] [--leak-free] [--classes all|present] [--json out.json]');
    process.exit(values.help ? 0 : 2);
  }
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error('--backend must be wasm or cpu');
  if (values.classes !== 'all' && values.classes !== 'present') throw new Error('--classes must be all or present');
  const result = await evaluateModel({ model: values.model, data: values.data, backend: values.backend, leakFree: values['leak-free'], classes: values.classes });
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 1));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  });
}
