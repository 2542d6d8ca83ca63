/**
 * The classifier's cost per face on WebAssembly in Node (tfjs-backend-wasm, the app's
 * EmotionClassifier and crop), for each model given: what a model card's testTime.flip (each crop
 * and its mirror in one batch) costs beside the same model without it (the mirror is kept only
 * while the cost stays <= 2x). Prints figures, never fails on them.
 *   npx tsx scripts/classify-cost.ts [resemotenet-s5 resemotenet-s7b ...]
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
setWasmPaths(join(import.meta.dirname, '..', 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
await tf.setBackend('wasm');
const pixels = tf.randomUniform([480, 640, 3], 0, 255, 'int32') as tf.Tensor3D;
const ids = process.argv.slice(2).length ? process.argv.slice(2) : ['resemotenet-s5', 'resemotenet-s7b'];
for (const id of [...ids, ...ids]) {
  // twice: the first round warms the wasm runtime
  const c = await EmotionClassifier.fromArtifacts((await readModelArtifacts(join('models', id))).artifacts);
  for (const n of [1, 4]) {
    const boxes = Array.from({ length: n }, (_, i) => ({ x: 100 + i * 20, y: 100, width: 200, height: 200 }));
    for (let i = 0; i < 10; i++) await c.classify(pixels, boxes);
    const t = performance.now();
    const R = 60;
    for (let i = 0; i < R; i++) await c.classify(pixels, boxes);
    console.log(id, `${n} faces`, ((performance.now() - t) / R).toFixed(2), 'ms a call', ((performance.now() - t) / R / n).toFixed(2), 'ms a face');
  }
}
