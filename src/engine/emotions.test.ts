import { describe, expect, it } from 'vitest';
import contract from './contract.json';
import { argmax, classIndexMap, EMOTIONS, EMOTION_COLOR, EMOTION_LABEL, topEmotion } from './emotions';

describe('emotions', () => {
  it('follows the FER2013 label order of the training contract', () => {
    expect(EMOTIONS).toEqual(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
    expect(EMOTIONS).toEqual(contract.classes);
  });

  it('has a label and a distinct colour for each class', () => {
    for (const e of EMOTIONS) expect(EMOTION_LABEL[e]).toBeTruthy();
    expect(new Set(EMOTIONS.map((e) => EMOTION_COLOR[e])).size).toBe(EMOTIONS.length);
  });

  it('maps a reordered model class list onto the app order and rejects a missing class', () => {
    const reordered = ['neutral', 'happy', 'sad', 'surprise', 'angry', 'fear', 'disgust'];
    const map = classIndexMap(reordered);
    expect(map.map((i) => reordered[i])).toEqual([...EMOTIONS]);
    expect(classIndexMap(EMOTIONS)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => classIndexMap(reordered.slice(1))).toThrow(/no class "neutral"/);
  });

  it('finds the top emotion', () => {
    expect(argmax([0.1, 0.5, 0.2])).toBe(1);
    expect(topEmotion([0, 0, 0, 0.9, 0.1, 0, 0])).toEqual({ emotion: 'happy', probability: 0.9 });
  });
});
