// The model card: one JSON Schema (model-card.schema.json) that the exporter checks in pytest and
// that every shipped model is checked against here; the app reads how to feed a model from it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CROP, INPUT_SIZE } from './contract';
import schema from './model-card.schema.json' with { type: 'json' };
import { DEFAULT_PREPROCESSING, ModelFormatError, parseMetadata } from './modelFormat';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

function card(preprocessing: unknown, size = 64) {
  return {
    resemote: {
      name: 'test',
      classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      input: { name: 'gray', shape: [-1, size, size, 1], dtype: 'float32', range: [0, 1] },
      output: { name: 'probs', shape: [-1, 7] },
      preprocessing,
      architecture: { family: 'ResEmoteNet', variant: 'resemotenet_s', parameters: 10, exportedParameters: 9 },
      exporter: 'test',
    },
  };
}
const good = { inputSize: 48, color: 'gray', range: [0, 1], crop: { scale: 1.3, offsetY: -0.05 }, align: false };

describe('model card', () => {
  const shipped = readdirSync(MODELS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it.each(shipped)('shipped model %s has a card that matches the schema', (id) => {
    const json = JSON.parse(readFileSync(join(MODELS, id, 'model.json'), 'utf8'));
    const meta = json.userDefinedMetadata?.resemote;
    expect(validate(meta), JSON.stringify(validate.errors)).toBe(true);
    expect(parseMetadata(json.userDefinedMetadata).preprocessing).toEqual(expect.objectContaining({ inputSize: meta.input.shape[1] }));
  });

  it('the schema refuses a card the app would feed wrongly', () => {
    expect(validate(card(good, 48).resemote)).toBe(true);
    expect(validate(card({ ...good, inputSize: '48' }, 48).resemote)).toBe(false);
    expect(validate(card({ ...good, crop: { scale: 1.3 } }, 48).resemote)).toBe(false);
    expect(validate(card({ ...good, color: 'bgr' }, 48).resemote)).toBe(false);
  });

  it('the app feeds what the card says: its input size and crop', () => {
    const meta = parseMetadata(card(good, 48));
    expect(meta.preprocessing.inputSize).toBe(48);
    expect(meta.preprocessing.crop).toEqual({ scale: 1.3, offsetY: -0.05 });
  });

  it('a model exported before the card is fed as the contract says', () => {
    const meta = parseMetadata(card({ input: 'float32 [N, 64, 64, 1]', range: [0, 1] }));
    expect(meta.preprocessing).toEqual(DEFAULT_PREPROCESSING);
    expect(meta.preprocessing.crop).toEqual(CROP);
    expect(meta.preprocessing.inputSize).toBe(INPUT_SIZE);
  });

  it('takes an eye-aligned model (the engine turns its crops, align.ts)', () => {
    expect(parseMetadata(card({ ...good, align: true }, 48)).preprocessing.align).toBe(true);
  });

  it('refuses what this app cannot feed, saying what', () => {
    expect(() => parseMetadata(card({ ...good, color: 'rgb' }, 48))).toThrow(/rgb input/);
    expect(() => parseMetadata(card(good, 64))).toThrow(ModelFormatError); // card 48, graph 64
  });

  it("reads the resting-face reference in the app's class order, and refuses one that is not a reading per class", () => {
    const withBaseline = (classes: string[], neutral: unknown) => {
      const c = card(good, 48);
      return { resemote: { ...c.resemote, classes, baseline: { neutral } } };
    };
    const appOrder = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
    const reading = [0.07, 0.05, 0.05, 0.04, 0.13, 0.03, 0.63];
    expect(validate(withBaseline(appOrder, reading).resemote)).toBe(true);
    expect(parseMetadata(withBaseline(appOrder, reading)).baseline?.neutral).toEqual(reading);
    // a model whose classes come in another order: neutral first
    const other = ['neutral', ...appOrder.slice(0, 6)];
    expect(parseMetadata(withBaseline(other, [0.63, ...reading.slice(0, 6)])).baseline?.neutral).toEqual(reading);
    expect(validate(withBaseline(appOrder, reading.slice(0, 6)).resemote)).toBe(false);
    expect(() => parseMetadata(withBaseline(appOrder, [0, ...reading.slice(1)]))).toThrow(/baseline/);
    expect(parseMetadata(card(good, 48)).baseline).toBeUndefined();
  });
});
