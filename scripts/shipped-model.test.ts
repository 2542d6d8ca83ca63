/**
 * The shipped models, run in Node exactly as the app runs them (crop.ts + classifier.ts), on real
 * faces in the committed photos (e2e/fixtures, see NOTICE.md there), labelled by a person: happy
 * faces from group photos, neutral and surprised faces from webcam frames; and, where
 * ../shared/data/muxspace is present (CI has it; it may not be committed: shared/README.md), the
 * angry, sad, surprised, disgusted and fearful faces listed in shipped-model.muxspace.json, so that
 * five or more of the seven classes are checked there. A model passes when it
 * tells those classes apart (scripts/lib/expression-check.ts: most of each class's faces get it,
 * and it scores higher on its own faces than on the others'), which any genuinely trained model
 * does and a model that says one class for everything, or has its output columns in the wrong
 * order, does not. No figure of one particular model is written here: models are replaced.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import type { Box } from '../src/engine/box.ts';
import { squareCrop } from '../src/engine/crop.ts';
import { EMOTIONS, type Emotion } from '../src/engine/emotions.ts';
import { paddingFor } from '../src/engine/padding.ts';
import { checkExpressions, type LabelledResult, permuteColumns } from './lib/expression-check.ts';
import { decodeImage, type RgbImage } from './lib/decode-image.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'e2e', 'fixtures');
const MODELS = join(ROOT, 'models');
interface Labelled {
  box: { x: number; y: number; width: number; height: number };
  expected: Emotion | null;
  note: string;
}
const faces = JSON.parse(readFileSync(join(FIXTURES, 'faces.json'), 'utf8')) as Record<string, Labelled[] | string>;
const photos = Object.entries(faces).filter((e): e is [string, Labelled[]] => Array.isArray(e[1]));
/** Tight face crops of ../shared/data/muxspace (read there, never copied here), with the app's detector boxes. */
const MUXSPACE = join(ROOT, '..', 'shared', 'data', 'muxspace');
const muxspace = existsSync(MUXSPACE)
  ? (JSON.parse(readFileSync(join(import.meta.dirname, 'shipped-model.muxspace.json'), 'utf8')) as { faces: { file: string; box: Box; expected: Emotion }[] }).faces
  : [];

/** The photo on a larger canvas whose border repeats its edge pixels (engine/padding.ts's drawPadded, in Node). */
function padByEdge(img: RgbImage): { img: RgbImage; pad: number } {
  const { pad, width, height } = paddingFor(img.width, img.height);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, y - pad));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, x - pad));
      data.set(img.data.subarray((sy * img.width + sx) * 3, (sy * img.width + sx) * 3 + 3), (y * width + x) * 3);
    }
  }
  return { img: { data, width, height }, pad };
}

/**
 * Measured and printed, not required: fear on the web crops. ResEmoteNet-S5 (the default when this
 * was written) has 2 of those 5 fear faces in its top two (disgust, sad, neutral for the others;
 * ResEmoteNet-S: all 5), so requiring it would fail the shipped model on a weakness that is real,
 * not a fault of the wiring this test is for. The fear faces still count as "the others" for every
 * other class's margin. Required again once the shipped models pass it.
 */
const REPORTED_ONLY: readonly Emotion[] = ['fear'];
/** The check's problems that are required to be absent (the others are printed). */
function required(modelId: string, results: readonly LabelledResult[]): string[] {
  const problems = checkExpressions(results);
  const reported = problems.filter((p) => REPORTED_ONLY.some((c) => p.startsWith(`${c}:`)));
  if (reported.length && modelId) console.info(`${modelId}, not required: ${reported.join('; ')}`);
  return problems.filter((p) => !reported.includes(p));
}

const models = readdirSync(MODELS).filter((d) => {
  try {
    return readFileSync(join(MODELS, d, 'model.json')).length > 0;
  } catch {
    return false;
  }
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('the fixtures label at least three classes, several faces each', () => {
  const counts = new Map<string, number>();
  for (const [, list] of photos) for (const f of list) if (f.expected) counts.set(f.expected, (counts.get(f.expected) ?? 0) + 1);
  expect([...counts.keys()].every((c) => (EMOTIONS as readonly string[]).includes(c))).toBe(true);
  expect(counts.size).toBeGreaterThanOrEqual(3);
  expect([...counts.values()].filter((n) => n >= 5).length).toBeGreaterThanOrEqual(2);
});

it.skipIf(!muxspace.length)('with ../shared/data/muxspace: at least five classes required, four faces or more each', () => {
  const counts = new Map<string, number>();
  for (const f of [...photos.flatMap(([, list]) => list), ...muxspace]) if (f.expected) counts.set(f.expected, (counts.get(f.expected) ?? 0) + 1);
  expect([...counts.entries()].filter(([c, n]) => n >= 4 && !REPORTED_ONLY.includes(c as Emotion)).length).toBeGreaterThanOrEqual(5);
});

describe.each(models)('shipped model %s on real photos', (modelId) => {
  let results: LabelledResult[] = [];

  beforeAll(async () => {
    const classifier = await EmotionClassifier.fromArtifacts((await readModelArtifacts(join(MODELS, modelId))).artifacts);
    results = [];
    for (const [photo, labelled] of photos) {
      const img = decodeImage(readFileSync(join(FIXTURES, photo)));
      const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
      const probs = await classifier.classify(
        pixels,
        labelled.map((f) => squareCrop(f.box, img.width, img.height)),
      );
      pixels.dispose();
      expect(probs).toHaveLength(labelled.length);
      labelled.forEach((f, i) => {
        const p = probs[i] as Float32Array;
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        if (f.expected) results.push({ expected: f.expected, probs: p, where: `${photo} face ${i + 1}` });
      });
    }
    // A photo that is only a face is padded by its own edge and cropped there, as the app does.
    for (const f of muxspace) {
      const { img, pad } = padByEdge(decodeImage(readFileSync(join(MUXSPACE, f.file))));
      const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
      const [p] = await classifier.classify(pixels, [squareCrop({ ...f.box, x: f.box.x + pad, y: f.box.y + pad }, img.width, img.height)]);
      pixels.dispose();
      results.push({ expected: f.expected, probs: p as Float32Array, where: `muxspace ${f.file}`, topK: 2 }); // web crops: see LabelledResult.topK
    }
    classifier.dispose();
  }, 120_000);

  it('tells the labelled expressions apart', () => {
    expect(required(modelId, results)).toEqual([]);
  });

  it('the same outputs with their columns shuffled fail that check (so the check can fail)', () => {
    for (let shift = 1; shift < EMOTIONS.length; shift++) {
      const perm = EMOTIONS.map((_, j) => (j + shift) % EMOTIONS.length);
      expect(required('', permuteColumns(results, perm)), `columns shifted by ${shift}`).not.toEqual([]);
    }
    const swapped = EMOTIONS.map((_, j) => j); // happy <-> neutral only
    [swapped[3], swapped[6]] = [6, 3];
    expect(required('', permuteColumns(results, swapped))).not.toEqual([]);
  });
});

describe("test-time flip (the model card's testTime.flip)", () => {
  it('averages each face with its mirror, in the same batch, whatever the number of faces', async () => {
    const classifier = await EmotionClassifier.fromArtifacts((await readModelArtifacts(join(MODELS, models[0] as string))).artifacts);
    try {
      const g = tf.randomUniform([20, 64, 64, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
      classifier.flip = false;
      const plain = classifier.predict(g);
      const mirrored = classifier.predict(tf.reverse(g, 2) as tf.Tensor4D);
      const want = (await tf.mul(tf.add(plain, mirrored), 0.5).array()) as number[][];
      classifier.flip = true;
      for (const n of [1, 3, 17, 20]) {
        // 17 and 20 cross the 16 faces a call holds with flip on
        const got = await classifier.predict(g.slice([0, 0, 0, 0], [n, -1, -1, -1])).array();
        expect(got).toHaveLength(n);
        got.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(want[i]?.[k] as number, 5)));
      }
      const plainRows = await plain.array();
      expect(plainRows.some((row, i) => Math.abs((row[3] as number) - (want[i]?.[3] as number)) > 1e-4)).toBe(true); // flip changes something
      tf.dispose([g, plain, mirrored]);
    } finally {
      classifier.dispose();
    }
  });
});
