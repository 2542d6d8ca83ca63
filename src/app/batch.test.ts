import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FrameResult } from '../engine/faces';
import { batchToCsv, batchToJson, type BatchItem } from './batch';

const result = (faces: number): FrameResult => ({
  width: 100,
  height: 80,
  time: 0,
  timings: { detectMs: 0, classifyMs: 0, totalMs: 0 },
  model: 'm',
  backend: 'webgl',
  tensors: 0,
  faces: Array.from({ length: faces }, (_, i) => ({
    id: i + 1,
    box: { x: i, y: -2.5, width: 10, height: 10 },
    crop: { x: 0, y: 0, width: 12, height: 12 },
    score: 0.9,
    probs: Float32Array.from(EMOTIONS, (_, k) => (k === 3 ? 1 : 0)),
    top: { emotion: 'happy' as const, probability: 1 },
    stale: false,
  })),
});
const items: BatchItem[] = [
  { name: 'a.jpg', status: 'done', result: result(2) },
  { name: '=evil().jpg', status: 'done', result: result(1) },
  { name: 'broken.jpg', status: 'error', message: '"broken.jpg" could not be decoded' },
  { name: 'sky.png', status: 'done', result: result(0), message: 'no face found' },
];
const all = (r: FrameResult) => r.faces;

describe('batch files', () => {
  it('CSV: one row per face of every file, formulas neutralised, negative coordinates numeric', () => {
    const lines = batchToCsv(items, all).split('\r\n');
    expect(lines[0]).toBe(`source,time_ms,face,x,y,width,height,detection_score,top_emotion,${EMOTIONS.join(',')},valence,found_by,reading`);
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[3]!.startsWith("'=evil().jpg,,1,")).toBe(true);
    expect(lines[1]!.split(',')[4]).toBe('-2.5');
  });

  it('JSON lists every file: results, the failed one with its reason, the faceless one', () => {
    const json = JSON.parse(batchToJson(items, all, { model: 'M', backend: 'webgl', appVersion: '0.2.0' }));
    expect(json.files.map((f: { status: string }) => f.status)).toEqual(['done', 'done', 'error', 'done']);
    expect(json.files[2].message).toContain('could not be decoded');
    expect(json.files[3]).toMatchObject({ faces: [], message: 'no face found' });
    expect(json.files[0].faces[1].probabilities.happy).toBe(1);
    expect(json.summary).toMatchObject({ photos: 3, faces: 3, topEmotions: { happy: 3, sad: 0 } });
  });
});

describe('batch session', () => {
  const file = (name: string, type = 'image/jpeg') => new File([new Uint8Array([1])], name, { type });
  const bitmap = () => ({ width: 10, height: 10, close() {} }) as unknown as ImageBitmap;
  const load = async (f: File) => ({ name: f.name, bitmap: bitmap(), width: 10, height: 10, originalWidth: 10, originalHeight: 10 });
  (globalThis as { createImageBitmap?: unknown }).createImageBitmap = async () => bitmap();

  /** An engine that answers each analysis only when the test says so. */
  function gatedHost() {
    const waiting: (() => void)[] = [];
    return {
      host: { analyse: () => new Promise<FrameResult>((resolve) => waiting.push(() => resolve(result(1)))) },
      async next() {
        while (!waiting.length) await new Promise((r) => setTimeout(r, 0));
        waiting.shift()!();
      },
    };
  }

  it('analyses in the order of the names (photo-2 before photo-10), and lists a non-photo as skipped', async () => {
    const g = gatedHost();
    const { BatchSession } = await import('./batch');
    const batch = new BatchSession(g.host);
    const run = batch.analyse([file('photo-10.jpg'), file('notes.txt', 'text/plain'), file('photo-2.jpg'), file('Photo-1.jpg')], load);
    expect(batch.state.items.map((i) => i.name)).toEqual(['notes.txt', 'Photo-1.jpg', 'photo-2.jpg', 'photo-10.jpg']);
    expect(batch.state.items[0]).toMatchObject({ status: 'skipped', message: 'not a photo: skipped' });
    for (let i = 0; i < 3; i++) await g.next();
    await run;
    expect(batch.state.items.map((i) => i.status)).toEqual(['skipped', 'done', 'done', 'done']);
  });

  it('after Cancel, the files not reached say "cancelled", not "waiting"', async () => {
    const g = gatedHost();
    const { BatchSession } = await import('./batch');
    const batch = new BatchSession(g.host);
    const run = batch.analyse([file('a.jpg'), file('b.jpg'), file('c.jpg')], load);
    batch.cancel();
    await g.next(); // the file in hand finishes
    await run;
    expect(batch.state.phase).toBe('cancelled');
    expect(batch.state.items.map((i) => i.status)).toEqual(['done', 'cancelled', 'cancelled']);
  });

  it('makeZip: progress while it runs, and cleared when drawing fails (never "Making the ZIP…" forever)', async () => {
    const g = gatedHost();
    const { BatchSession } = await import('./batch');
    const batch = new BatchSession(g.host);
    const run = batch.analyse([file('a.jpg'), file('b.jpg')], load);
    await g.next();
    await g.next();
    await run;
    const seen: (object | null)[] = [];
    batch.subscribe((s) => seen.push(s.zip));
    const failing = batch.makeZip(
      async () => {
        throw new Error('canvas lost');
      },
      (r) => r.faces,
      load,
    );
    await expect(failing).rejects.toThrow('canvas lost');
    expect(seen[0]).toEqual({ done: 0, total: 2 });
    expect(batch.state.zip).toBeNull();
    // and a good one afterwards works
    const blob = await batch.makeZip(
      async () => new Uint8Array([1, 2, 3]),
      (r) => r.faces,
      load,
    );
    expect(blob.type).toBe('application/zip');
    expect(batch.state.zip).toBeNull();
  });

  it('the JSON names the model one way: the same name at the top and per file', () => {
    const json = JSON.parse(batchToJson(items, all, { model: 'ResEmoteNet-M', backend: 'webgl', appVersion: '0.2.0' }, (id) => (id === 'm' ? 'ResEmoteNet-M' : id)));
    expect(json.model).toBe('ResEmoteNet-M');
    expect(json.files[0].model).toBe('ResEmoteNet-M');
  });

  it('with the option on, a photo in which no face is found is read whole, as one face, and said so', async () => {
    const { BatchSession } = await import('./batch');
    const kinds: string[] = [];
    const host = {
      analyse: async (_b: unknown, kind: string) => {
        kinds.push(kind);
        return kind === 'whole' ? { ...result(1), whole: true } : { ...result(0) };
      },
    };
    const off = new BatchSession(host);
    await off.analyse([file('mouth.jpg')], load);
    expect(kinds).toEqual(['photo']);
    expect(off.state.items[0]).toMatchObject({ status: 'done', message: 'no face found' });
    const on = new BatchSession(host, () => ({ filter: { minScore: 0.5, minSize: 0, hideLowConfidence: true }, wholeIfNoFace: true }));
    await on.analyse([file('mouth.jpg')], load);
    expect(kinds).toEqual(['photo', 'photo', 'whole']);
    expect(on.state.items[0]).toMatchObject({ status: 'done', result: { whole: true }, message: 'no face found: the whole photo read as one face' });
    expect(batchToCsv(on.state.items, all).split('\r\n')[1]!.endsWith(',whole_photo,as_read')).toBe(true);
  });
});
