import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModelIndex } from './models-index';

function fakeModel(dir: string, id: string, weightBytes: number, accuracy?: number) {
  mkdirSync(join(dir, id), { recursive: true });
  const meta = {
    name: id.toUpperCase(),
    weightBytes,
    quantization: 'float16',
    architecture: { variant: 'v', exportedParameters: 10 },
    metrics: accuracy ? { splits: { PrivateTest: { accuracy, macro_f1: 0.5 } } } : {},
  };
  writeFileSync(join(dir, id, 'model.json'), JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [], userDefinedMetadata: { resemote: meta } }));
}

describe('model index', () => {
  it('lists models with metadata, smallest first, skipping folders that are not models', () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    fakeModel(dir, 'big', 5_000_000, 0.7);
    fakeModel(dir, 'small', 1_000_000);
    mkdirSync(join(dir, 'notes'));
    const index = buildModelIndex(dir);
    expect(index.map((m) => m.id)).toEqual(['small', 'big']);
    expect(index[1]).toMatchObject({ name: 'BIG', url: 'models/big/model.json', accuracy: 0.7, macroF1: 0.5 });
    expect(index[0]?.accuracy).toBeUndefined();
    expect(index[0]?.bytes).toBeGreaterThan(1_000_000);
  });

  it('follows models/catalog.json for the order (the first is the default), then size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    fakeModel(dir, 'a-small', 1_000_000);
    fakeModel(dir, 'b-best', 5_000_000);
    fakeModel(dir, 'c-mid', 3_000_000);
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ order: ['b-best'] }));
    expect(buildModelIndex(dir).map((m) => m.id)).toEqual(['b-best', 'a-small', 'c-mid']);
  });

  it("gives a model's resting-face reference in the app's class order, and none where its card has no baseline", () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    mkdirSync(join(dir, 'rest'));
    // Its classes in another order than the app's (neutral first): the reference follows the classes.
    const classes = ['neutral', 'angry', 'disgust', 'fear', 'happy', 'sad', 'surprise'];
    const meta = { name: 'R', weightBytes: 10, classes, baseline: { neutral: [0.6, 0.05, 0.01, 0.04, 0.1, 0.15, 0.05] } };
    writeFileSync(join(dir, 'rest', 'model.json'), JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [], userDefinedMetadata: { resemote: meta } }));
    fakeModel(dir, 'plain', 20);
    const index = buildModelIndex(dir);
    expect(index.find((m) => m.id === 'rest')?.restingReference).toEqual([0.05, 0.01, 0.04, 0.1, 0.15, 0.05, 0.6]);
    expect(index.find((m) => m.id === 'plain')?.restingReference).toBeUndefined();
  });

  it('the shipped default model gives a resting-face reference whose top class is neutral', () => {
    const [first] = buildModelIndex(join(import.meta.dirname, '..', '..', 'models'));
    const ref = first?.restingReference ?? [];
    expect(ref).toHaveLength(7);
    expect(ref.indexOf(Math.max(...ref))).toBe(6); // app order: neutral last
  });

  it('the shipped models folder lists at least one trained model with its measured accuracy', () => {
    const index = buildModelIndex(join(import.meta.dirname, '..', '..', 'models'));
    expect(index.length).toBeGreaterThan(0);
    for (const m of index) expect(m.accuracy).toBeGreaterThan(0.5);
  });
});
