/**
 * Does reading a face relative to the person's own resting face help? Measured as the app would
 * compute it (src/engine/baseline.ts on the app's classifier, tfjs wasm) on the people of
 * posed-more (KDEF-dyn, KDEF, NimStim) who have a neutral photo beside their expressive ones, in
 * the held-out folds only (val and test: never trained on). Each expressive photo is read alone and
 * relative to that person's neutral photo; mean class recall and accuracy over those photos, and a
 * bootstrap over people for the spread of the difference.
 *
 *   npx tsx scripts/baseline-check.ts [--model models/<name>] [--faces .cache/faces] [--beta 1]
 *   npx tsx scripts/baseline-check.ts --model models/<name> --write-neutral runs/neutral-mean.json
 *
 * The model's mean reading of neutral faces (the card's `baseline.neutral`) is taken from the card
 * or, where it has none or with --write-neutral, measured on the training folds' neutral faces of
 * every prepared source (never a held-out face) and written out for the exporter (export.py
 * --baseline).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { relativeReading } from '../src/engine/baseline.ts';
import { EmotionClassifier } from '../src/engine/classifier.ts';
import { EMOTIONS, type Emotion } from '../src/engine/emotions.ts';
import { readModelArtifacts } from './lib/graph-model-fs.ts';
import { confusionMatrix, summarizeConfusion } from './lib/metrics.ts';
import { activateNodeBackend } from './lib/node-backend.ts';

const NEUTRAL = EMOTIONS.indexOf('neutral');

interface Row {
  source: string;
  path: string;
  label: number;
  role: string;
  gray: Uint8Array;
}

/** Every prepared face that was found, with its fold's role (folds.csv). */
export function readPrepared(faces: string, sources: string[]): Row[] {
  const roles = new Map<string, string>();
  for (const line of readFileSync(join(faces, 'folds.csv'), 'utf8').trim().split(/\r?\n/).slice(1)) {
    const [source, i, role] = line.split(',');
    roles.set(`${source}/${i}`, role as string);
  }
  const rows: Row[] = [];
  for (const source of sources) {
    const lines = readFileSync(join(faces, source, 'index.csv'), 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1);
    const gray = readFileSync(join(faces, source, 'gray64.u8'));
    lines.forEach((line, i) => {
      const role = roles.get(`${source}/${i}`);
      if (!role) return; // a miss or a dropped duplicate
      const [, path, label] = line.split(',');
      rows.push({ source, path: path as string, label: EMOTIONS.indexOf(label as Emotion), role, gray: gray.subarray(i * 4096, (i + 1) * 4096) });
    });
  }
  return rows;
}

/** posed-more's person, as training/sources.py groups it (KDEF and KDEF-dyn share people). */
export function personOf(path: string): string {
  const [kind, person] = (path.split('/').pop() as string).split('__');
  return `${kind === 'kdef' || kind === 'kdefdyn' ? 'kdef' : kind}:${person}`;
}

async function readAll(classifier: EmotionClassifier, rows: Row[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < rows.length; i += 64) {
    const chunk = rows.slice(i, i + 64);
    const data = new Float32Array(chunk.length * 4096);
    chunk.forEach((r, j) => r.gray.forEach((v, p) => (data[j * 4096 + p] = v / 255)));
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(data, [chunk.length, 64, 64, 1]);
      const sized = classifier.inputSize === 64 ? x : tf.image.resizeBilinear(x, [classifier.inputSize, classifier.inputSize], false, true);
      return classifier.predict(sized);
    });
    const flat = (await probs.data()) as Float32Array;
    probs.dispose();
    for (let j = 0; j < chunk.length; j++) out.push(flat.slice(j * EMOTIONS.length, (j + 1) * EMOTIONS.length));
  }
  return out;
}

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if ((p[k] ?? 0) > (p[best] ?? 0)) best = k;
  return best;
}

/** Mean class recall and accuracy of answers against labels. */
function score(labels: number[], preds: number[]) {
  const s = summarizeConfusion(confusionMatrix(labels, preds));
  return { meanRecall: s.mean_recall, accuracy: s.accuracy, recall: s.recall, neutral: s.predicted.neutral ?? 0 };
}

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/resemotenet-s7b' },
      faces: { type: 'string', default: '.cache/faces' },
      beta: { type: 'string', default: '1' },
      boot: { type: 'string', default: '2000' },
      'write-neutral': { type: 'string' },
      json: { type: 'string' },
    },
  });
  await activateNodeBackend('wasm');
  const { artifacts } = await readModelArtifacts(values.model);
  const classifier = await EmotionClassifier.fromArtifacts(artifacts);
  const card = classifier.metadata as { baseline?: { neutral: number[] } };
  const faces = values.faces;

  let neutral = card.baseline?.neutral ? Float32Array.from(card.baseline.neutral) : null;
  if (!neutral || values['write-neutral']) {
    const sources = ['muxspace', 'sfew2', 'posed-mix', 'yale', 'expw', 'posed-more'];
    const rest = readPrepared(faces, sources).filter((r) => r.role === 'train' && r.label === NEUTRAL);
    const probs = await readAll(classifier, rest);
    const mean = new Float64Array(EMOTIONS.length);
    // the geometric mean, as a resting face is learnt (RestingFace)
    for (const p of probs) p.forEach((v, k) => (mean[k] = (mean[k] as number) + Math.log(Math.max(v, 1e-6)) / probs.length));
    const e = Array.from(mean, (v) => Math.exp(v));
    const s = e.reduce((a, b) => a + b, 0);
    neutral = Float32Array.from(e, (v) => v / s);
    console.log(`the model's mean reading of ${probs.length} neutral faces (training folds): ${EMOTIONS.map((c, k) => `${c} ${((neutral as Float32Array)[k] as number).toFixed(3)}`).join(', ')}`);
    if (values['write-neutral']) {
      writeFileSync(
        values['write-neutral'],
        `${JSON.stringify({ neutral: Array.from(neutral, (v) => Math.round(v * 1e6) / 1e6), faces: probs.length, measured: "the geometric mean of the model's readings of the training folds' neutral faces (scripts/baseline-check.ts)" }, null, 1)}\n`,
      );
      console.log(`wrote ${values['write-neutral']}`);
    }
  }

  const rows = readPrepared(faces, ['posed-more']).filter((r) => r.role === 'val' || r.role === 'test');
  const probs = await readAll(classifier, rows);
  const byPerson = new Map<string, { neutral: number[]; expressive: number[] }>();
  rows.forEach((r, i) => {
    const p = byPerson.get(personOf(r.path)) ?? { neutral: [], expressive: [] };
    (r.label === NEUTRAL ? p.neutral : p.expressive).push(i);
    byPerson.set(personOf(r.path), p);
  });
  const people = [...byPerson].filter(([, p]) => p.neutral.length > 0 && p.expressive.length > 0);
  const betas = [...new Set([Number(values.beta), 0.5])];
  // each person's resting face: their neutral photo (KDEF-dyn's where a person has two, the same session as their clips)
  const restingOf = (p: { neutral: number[] }) => probs[p.neutral.find((i) => (rows[i] as Row).path.includes('kdefdyn__')) ?? p.neutral[0]!] as Float32Array;
  const reading = (beta: number) =>
    people.map(([name, p]) => ({
      name,
      labels: p.expressive.map((i) => (rows[i] as Row).label),
      alone: p.expressive.map((i) => argmax(probs[i] as Float32Array)),
      relative: p.expressive.map((i) => argmax(relativeReading(probs[i] as Float32Array, restingOf(p), neutral as Float32Array, beta))),
    }));
  const photos = people.reduce((n, [, p]) => n + p.expressive.length, 0);
  console.log(`${values.model}: ${people.length} held-out people of posed-more with a neutral photo, ${photos} expressive photos`);
  const result: Record<string, unknown> = { model: values.model, people: people.length, photos, betas: {} };
  for (const beta of betas) {
    const per = reading(beta);
    const flat = (key: 'alone' | 'relative') =>
      score(
        per.flatMap((p) => p.labels),
        per.flatMap((p) => p[key]),
      );
    const alone = flat('alone');
    const relative = flat('relative');
    // bootstrap over people: the spread of (relative - alone) mean class recall
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const diffs: number[] = [];
    for (let b = 0; b < Number(values.boot); b++) {
      const pick = per.map(() => per[Math.floor(rand() * per.length)] as (typeof per)[number]);
      const labels = pick.flatMap((p) => p.labels);
      diffs.push(
        score(
          labels,
          pick.flatMap((p) => p.relative),
        ).meanRecall -
          score(
            labels,
            pick.flatMap((p) => p.alone),
          ).meanRecall,
      );
    }
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    const std = Math.sqrt(diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / (diffs.length - 1));
    const pct = (v: number) => (v * 100).toFixed(1);
    console.log(
      `beta ${beta}: mean class recall alone ${pct(alone.meanRecall)} % -> relative ${pct(relative.meanRecall)} % (${relative.meanRecall - alone.meanRecall >= 0 ? '+' : ''}${pct(relative.meanRecall - alone.meanRecall)} points; bootstrap over people: std ${pct(std)}); accuracy ${pct(alone.accuracy)} -> ${pct(relative.accuracy)} %; "neutral" said ${pct(alone.neutral)} -> ${pct(relative.neutral)} %`,
    );
    console.log(
      `  recall alone:    ${EMOTIONS.filter((c) => c !== 'neutral')
        .map((c) => `${c} ${pct(alone.recall[c] ?? 0)}`)
        .join(', ')}`,
    );
    console.log(
      `  recall relative: ${EMOTIONS.filter((c) => c !== 'neutral')
        .map((c) => `${c} ${pct(relative.recall[c] ?? 0)}`)
        .join(', ')}`,
    );
    (result.betas as Record<string, unknown>)[String(beta)] = { alone, relative, gain: relative.meanRecall - alone.meanRecall, std };
  }
  classifier.dispose();
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 1)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  });
}
