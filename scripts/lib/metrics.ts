/**
 * Classification metrics, the same definitions and printout as training/metrics.py, so that the
 * PyTorch checkpoint and the shipped TF.js model are compared like for like.
 */
import { EMOTIONS } from '../../src/engine/emotions.ts';

export interface Summary {
  n: number;
  accuracy: number;
  macro_f1: number;
  /** Mean class recall over the classes present (balanced accuracy, what RAF-DB and AffectNet report). */
  mean_recall: number;
  recall: Record<string, number>;
  precision: Record<string, number>;
  /** How often each class is the answer (confusion columns / n). */
  predicted: Record<string, number>;
  confusion: number[][];
  /** Expected calibration error, 15 equal-width confidence bins (when probabilities were given). */
  ece?: number;
}

export function confusionMatrix(labels: readonly number[], preds: readonly number[], k = EMOTIONS.length): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  labels.forEach((y, i) => {
    const row = m[y];
    const p = preds[i];
    if (row === undefined || p === undefined || p < 0 || p >= k) throw new Error(`label ${y} / prediction ${p} out of range`);
    row[p] = (row[p] ?? 0) + 1;
  });
  return m;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

export function summarizeConfusion(conf: number[][]): Summary {
  const k = conf.length;
  const col = (j: number) => conf.reduce((s, row) => s + (row[j] ?? 0), 0);
  const support = conf.map((row) => row.reduce((a, b) => a + b, 0));
  const tp = conf.map((row, i) => row[i] ?? 0);
  const n = support.reduce((a, b) => a + b, 0);
  const recall = tp.map((t, i) => ((support[i] ?? 0) > 0 ? t / (support[i] ?? 1) : 0));
  const precision = tp.map((t, i) => (col(i) > 0 ? t / col(i) : 0));
  const f1 = recall.map((r, i) => {
    const p = precision[i] ?? 0;
    return p + r > 0 ? (2 * p * r) / (p + r) : 0;
  });
  const present = f1.filter((_, i) => (support[i] ?? 0) > 0);
  const presentRecall = recall.filter((_, i) => (support[i] ?? 0) > 0);
  const names = EMOTIONS.slice(0, k);
  return {
    n,
    accuracy: n ? tp.reduce((a, b) => a + b, 0) / n : 0,
    macro_f1: present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0,
    mean_recall: presentRecall.length ? presentRecall.reduce((a, b) => a + b, 0) / presentRecall.length : 0,
    recall: Object.fromEntries(names.map((c, i) => [c, round4(recall[i] ?? 0)])),
    precision: Object.fromEntries(names.map((c, i) => [c, round4(precision[i] ?? 0)])),
    predicted: Object.fromEntries(names.map((c, i) => [c, round4(n ? col(i) / n : 0)])),
    confusion: conf,
  };
}

const pad = (s: string, w: number) => s.padStart(w);

/**
 * Expected calibration error (Guo et al., 2017), the definition of training/metrics.py: equal-width
 * confidence bins over (0, 1], mean |accuracy - confidence| weighted by the bin's share.
 */
export function expectedCalibrationError(probs: readonly Float32Array[], labels: readonly number[], bins = 15): number {
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  probs.forEach((p, i) => {
    let top = 0;
    for (let k = 1; k < p.length; k++) if ((p[k] ?? 0) > (p[top] ?? 0)) top = k;
    const conf = p[top] ?? 0;
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[b] = (count[b] ?? 0) + 1;
    correct[b] = (correct[b] ?? 0) + (top === labels[i] ? 1 : 0);
    confidence[b] = (confidence[b] ?? 0) + conf;
  });
  const n = probs.length || 1;
  return count.reduce((e, c, b) => (c ? e + (c / n) * Math.abs((correct[b] ?? 0) / c - (confidence[b] ?? 0) / c) : e), 0);
}

/** The argmax over all classes (as the app runs), or only over the classes present in `labels`. */
export function decide(probs: readonly Float32Array[], labels: readonly number[], classes: 'all' | 'present'): number[] {
  const present = new Set(labels);
  return probs.map((p) => {
    let best = -1;
    for (let k = 0; k < p.length; k++) if ((classes === 'all' || present.has(k)) && (best < 0 || (p[k] ?? 0) > (p[best] ?? 0))) best = k;
    return best;
  });
}

/** How often each class is the truth in a summary's confusion matrix (rows / n). */
export function trueShares(s: Pick<Summary, 'confusion' | 'n'>): Record<string, number> {
  return Object.fromEntries(EMOTIONS.map((c, i) => [c, round4(s.n ? (s.confusion[i] ?? []).reduce((a, b) => a + b, 0) / s.n : 0)]));
}

/** The largest |answered share - true share| over the classes, 0-1. */
export function maxShareGap(s: Summary): number {
  const truth = trueShares(s);
  return Math.max(...EMOTIONS.map((c) => Math.abs((s.predicted[c] ?? 0) - (truth[c] ?? 0))));
}

/** One line per set: each class's answered share beside its true share, and the largest gap. */
export function shareTable(splits: Record<string, Summary>): string {
  const pct = (v: number | undefined) => ((v ?? 0) * 100).toFixed(1);
  const head = `| set | n | ${EMOTIONS.map((c) => `${c} answered / true %`).join(' | ')} | max gap (points) |`;
  const rule = `|${' --- |'.repeat(3 + EMOTIONS.length)}`;
  const rows = Object.entries(splits).map(([name, s]) => {
    const truth = trueShares(s);
    return `| ${name} | ${s.n} | ${EMOTIONS.map((c) => `${pct(s.predicted[c])} / ${pct(truth[c])}`).join(' | ')} | ${(maxShareGap(s) * 100).toFixed(1)} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** Several sets as one: their faces pooled (confusions added; ECE over every face's probabilities). */
export function poolSets(parts: readonly { probs: readonly Float32Array[]; labels: readonly number[]; preds: readonly number[] }[]): Summary {
  const probs = parts.flatMap((p) => p.probs);
  const labels = parts.flatMap((p) => p.labels);
  return {
    ...summarizeConfusion(
      confusionMatrix(
        labels,
        parts.flatMap((p) => p.preds),
      ),
    ),
    ece: expectedCalibrationError(probs, labels),
  };
}

export function formatReport(title: string, s: Summary): string {
  const lines = [
    `${title}: n=${s.n} accuracy=${(s.accuracy * 100).toFixed(2)}% macro-F1=${s.macro_f1.toFixed(4)} mean-recall=${(s.mean_recall * 100).toFixed(2)}%`,
    `  ${pad('class', 8)} ${pad('recall', 8)} ${pad('precisio', 8)}`,
  ];
  for (const c of EMOTIONS) {
    lines.push(`  ${pad(c, 8)} ${pad(((s.recall[c] ?? 0) * 100).toFixed(2), 7)}% ${pad(((s.precision[c] ?? 0) * 100).toFixed(2), 8)}%`);
  }
  lines.push(`  predicted share: ${EMOTIONS.map((c) => `${c.slice(0, 3)} ${((s.predicted[c] ?? 0) * 100).toFixed(1)}%`).join(' ')}`);
  if (s.ece !== undefined) lines.push(`  ECE (15 bins): ${s.ece.toFixed(4)}`);
  lines.push(`  confusion (rows true, columns predicted): ${EMOTIONS.map((c) => c.slice(0, 3)).join(' ')}`);
  s.confusion.forEach((row, i) => lines.push(`  ${pad(EMOTIONS[i] ?? '', 8)} ${row.map((v) => pad(String(v), 5)).join(' ')}`));
  return lines.join('\n');
}
