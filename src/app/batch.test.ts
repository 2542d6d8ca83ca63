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
  faces: Array.from({ length: faces }, (_, i) => ({ id: i + 1, box: { x: i, y: -2.5, width: 10, height: 10 }, crop: { x: 0, y: 0, width: 12, height: 12 }, score: 0.9, probs: Float32Array.from(EMOTIONS, (_, k) => (k === 3 ? 1 : 0)), top: { emotion: 'happy' as const, probability: 1 }, stale: false })),
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
    expect(lines[0]).toBe(`file,face,x,y,width,height,detection_score,top_emotion,${EMOTIONS.join(',')}`);
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[3]!.startsWith("'=evil().jpg,1,")).toBe(true);
    expect(lines[1]!.split(',')[3]).toBe('-2.5');
  });

  it('JSON lists every file: results, the failed one with its reason, the faceless one', () => {
    const json = JSON.parse(batchToJson(items, all, { model: 'M', backend: 'webgl', appVersion: '0.2.0' }));
    expect(json.files.map((f: { status: string }) => f.status)).toEqual(['done', 'done', 'error', 'done']);
    expect(json.files[2].message).toContain('could not be decoded');
    expect(json.files[3]).toMatchObject({ faces: [], message: 'no face found' });
    expect(json.files[0].faces[1].probabilities.happy).toBe(1);
  });
});
