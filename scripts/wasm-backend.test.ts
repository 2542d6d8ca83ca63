/**
 * The app's classification path (crop.ts + classifier.ts) on TF.js's WebAssembly backend, the one
 * the app now starts on: every op of each shipped model and of the crop runs there, the result
 * agrees with the reference CPU backend on real faces, the warm-up the engine does there (warmup.ts)
 * works, and nothing is left behind. Compares backends with each other, never with the model's own
 * figures (a retrained model of the same format must pass as is).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import { squareCrop } from '../src/engine/crop.ts';
import { warmupPlan } from '../src/engine/warmup.ts';
import { decodeImage } from './lib/decode-image.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { activateNodeBackend } from './lib/node-backend.ts';

const ROOT = join(import.meta.dirname, '..');
const MODELS = join(ROOT, 'models');
const models = readdirSync(MODELS).filter((d) => {
  try {
    return readFileSync(join(MODELS, d, 'model.json')).length > 0;
  } catch {
    return false;
  }
});
const faces = JSON.parse(readFileSync(join(ROOT, 'e2e', 'fixtures', 'faces.json'), 'utf8')) as Record<string, { box: { x: number; y: number; width: number; height: number } }[]>;
const photo = decodeImage(readFileSync(join(ROOT, 'e2e', 'fixtures', 'group-3.jpg')));
const boxes = (faces['group-3.jpg'] ?? []).map((f) => squareCrop(f.box, photo.width, photo.height));

async function classifyOn(backend: 'cpu' | 'wasm', modelId: string) {
  expect(await activateNodeBackend(backend)).toBe(backend);
  const classifier = await EmotionClassifier.fromArtifacts((await readModelArtifacts(join(MODELS, modelId))).artifacts);
  try {
    const plan = warmupPlan(backend);
    await classifier.warmup(plan.batchSizes, [photo.height, photo.width], plan.cropSides);
    const pixels = tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32');
    const before = tf.memory().numTensors;
    const probs = await classifier.classify(pixels, boxes);
    const after = tf.memory().numTensors;
    pixels.dispose();
    return { probs, leaked: after - before };
  } finally {
    classifier.dispose();
  }
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(models)('model %s on the WebAssembly backend', (modelId) => {
  it('classifies the real faces of a photo as the CPU backend does, leaving no tensor behind', async () => {
    expect(boxes.length).toBeGreaterThan(1); // a batch, not one face
    const cpu = await classifyOn('cpu', modelId);
    const wasm = await classifyOn('wasm', modelId);
    expect(wasm.leaked).toBe(0);
    expect(wasm.probs).toHaveLength(boxes.length);
    wasm.probs.forEach((p, i) => {
      const ref = cpu.probs[i] as Float32Array;
      const worst = Math.max(...Array.from(p, (v, k) => Math.abs(v - (ref[k] as number))));
      expect(worst).toBeLessThan(2e-3);
    });
  });
});
