/**
 * The shipped models, run in Node exactly as the app runs them (crop.ts + classifier.ts), on real
 * faces in the committed photos: each face a person labelled gets that top emotion.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import { squareCrop } from '../src/engine/crop.ts';
import { argmax, EMOTIONS } from '../src/engine/emotions.ts';
import { decodeImage } from './lib/decode-image.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'e2e', 'fixtures');
const MODELS = join(ROOT, 'models');
interface Labelled {
  box: { x: number; y: number; width: number; height: number };
  expected: string | null;
  note: string;
}
const faces = JSON.parse(readFileSync(join(FIXTURES, 'faces.json'), 'utf8')) as Record<string, Labelled[] | string>;
const photos = Object.entries(faces).filter((e): e is [string, Labelled[]] => Array.isArray(e[1]));
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

describe.each(models)('shipped model %s on real photos', (modelId) => {
  let classifier: EmotionClassifier;

  beforeAll(async () => {
    classifier = await EmotionClassifier.fromArtifacts((await readModelArtifacts(join(MODELS, modelId))).artifacts);
  });

  it('is a trained model: its metadata carries measured FER2013 accuracy', () => {
    const acc = classifier.metadata.metrics?.splits?.PrivateTest?.accuracy ?? 0;
    expect(acc).toBeGreaterThan(0.5); // a random 7-class model scores about 0.25 (the majority class)
  });

  it.each(photos)('%s: every labelled face gets its expression', async (photo, labelled) => {
    const img = decodeImage(readFileSync(join(FIXTURES, photo)));
    const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    const crops = labelled.map((f) => squareCrop(f.box, img.width, img.height));
    const probs = await classifier.classify(pixels, crops);
    pixels.dispose();
    expect(probs).toHaveLength(labelled.length);
    labelled.forEach((face, i) => {
      const p = probs[i] as Float32Array;
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      if (face.expected) expect({ face: i + 1, top: EMOTIONS[argmax(p)] }).toEqual({ face: i + 1, top: face.expected });
    });
  });
});
