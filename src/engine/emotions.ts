/**
 * The emotion classes, in model output order, with how the UI shows them: the one place they live.
 * The order comes from contract.json, which the training toolkit reads too.
 */
import { CLASSES, type Emotion, INPUT_SIZE, LUMA } from './contract';

export type { Emotion } from './contract';
export { LUMA };
export const EMOTIONS = CLASSES;
export const NUM_EMOTIONS = EMOTIONS.length;
export const MODEL_INPUT_SIZE = INPUT_SIZE;

export const EMOTION_LABEL: Record<Emotion, string> = {
  angry: 'Angry',
  disgust: 'Disgust',
  fear: 'Fear',
  happy: 'Happy',
  sad: 'Sad',
  surprise: 'Surprise',
  neutral: 'Neutral',
};

/** Colours chosen to stay apart for common colour-vision deficiencies and readable on a dark plate. */
export const EMOTION_COLOR: Record<Emotion, string> = {
  angry: '#ff5a4e',
  disgust: '#9bd54a',
  fear: '#b07cff',
  happy: '#ffd23f',
  sad: '#4ea8ff',
  surprise: '#ff9f1c',
  neutral: '#c8ccd4',
};

/**
 * Map a model's own class list onto the app's. A model whose metadata lists the same classes in
 * another order still works; one that lacks a class cannot be used and says which.
 */
export function classIndexMap(modelClasses: readonly string[]): number[] {
  return EMOTIONS.map((emotion) => {
    const i = modelClasses.indexOf(emotion);
    if (i < 0) throw new Error(`the model has no class "${emotion}" (it has: ${modelClasses.join(', ')})`);
    return i;
  });
}

/** Index of the largest value. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

export function topEmotion(probs: ArrayLike<number>): { emotion: Emotion; probability: number } {
  const i = argmax(probs);
  return { emotion: EMOTIONS[i] as Emotion, probability: probs[i] ?? 0 };
}
