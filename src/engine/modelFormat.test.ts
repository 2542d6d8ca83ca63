import { describe, expect, it } from 'vitest';
import { modelName } from './modelFormat';

describe('modelName', () => {
  const models = [
    { id: 'resemotenet-s', name: 'ResEmoteNet-S' },
    { id: 'other', name: 'Other model' },
  ];
  it("names a model by its entry, by its id when the list does not have it, '' when there is none", () => {
    expect(modelName(models, 'other')).toBe('Other model');
    expect(modelName(models, 'gone')).toBe('gone');
    expect(modelName(models, null)).toBe('');
    expect(modelName([], undefined)).toBe('');
  });
});
