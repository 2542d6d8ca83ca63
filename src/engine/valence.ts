/**
 * Valence: how positive an expression is, from its seven probabilities, in [-1, 1]:
 * P(happy) minus the negative emotions P(angry) + P(disgust) + P(fear) + P(sad). Surprise (positive
 * or negative by context) and neutral count as 0. Pure.
 */
import { EMOTIONS, type Emotion } from './emotions';

const WEIGHT: Record<Emotion, number> = { angry: -1, disgust: -1, fear: -1, happy: 1, sad: -1, surprise: 0, neutral: 0 };
const WEIGHTS = EMOTIONS.map((e) => WEIGHT[e]);

export function valence(probs: ArrayLike<number>): number {
  let v = 0;
  for (let i = 0; i < WEIGHTS.length; i++) v += (WEIGHTS[i] ?? 0) * (probs[i] ?? 0);
  return Math.max(-1, Math.min(1, v));
}
