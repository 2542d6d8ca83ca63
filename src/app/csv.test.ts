import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FrameResult } from '../engine/faces';
import { batchToCsv } from './batch';
import { CSV_COLUMNS, toCsv } from './csv';
import { recordingToCsv, recordingToJson, rowsOf } from './recording';
import { resultsToCsv } from './results';

/** The column names of docs/files.md's CSV table (first cell of each row, in backticks). */
function documentedColumns(): string[] {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'files.md'), 'utf8');
  const section = /<!-- csv-schema -->([\s\S]*?)<!-- \/csv-schema -->/.exec(doc)?.[1];
  if (!section) throw new Error('docs/files.md has no <!-- csv-schema --> table');
  return section
    .split('\n')
    .filter((l) => /^\| `/.test(l))
    .flatMap((l) => {
      const names = /^\| ([^|]+)\|/.exec(l)?.[1] ?? '';
      // "`angry` … `neutral`" stands for the seven emotions in model order.
      if (/`angry` … `neutral`/.test(names)) return [...EMOTIONS];
      return [...names.matchAll(/`([a-z_]+)`/g)].map((m) => m[1] as string);
    });
}

const probs = Float32Array.from(EMOTIONS, (_, i) => (i === 3 ? 0.7 : 0.05));
const face = { id: 1, box: { x: 1, y: 2, width: 30, height: 40 }, crop: { x: 0, y: 0, width: 40, height: 40 }, score: 0.93, probs, top: { emotion: 'happy' as const, probability: 0.7 }, stale: false };
const frame: FrameResult = { width: 100, height: 100, faces: [face], time: 0, timings: { detectMs: 0, classifyMs: 0, totalMs: 0 }, model: 'm', backend: 'webgl', tensors: 0 };

describe('one CSV schema', () => {
  it('is the one docs/files.md documents, column for column', () => {
    expect(documentedColumns()).toEqual([...CSV_COLUMNS]);
  });

  it('is written by the photo, the batch, the recording and the video alike', () => {
    const headers = [
      resultsToCsv(frame, { image: 'a.jpg', model: 'm', backend: 'webgl' }),
      batchToCsv([{ name: 'a.jpg', status: 'done', result: frame }], (r) => r.faces),
      recordingToCsv(rowsOf(frame, 10), 'camera'),
      recordingToCsv(rowsOf(frame, 10), 'clip.webm'),
    ].map((csv) => csv.split('\r\n')[0]);
    expect(new Set(headers)).toEqual(new Set([CSV_COLUMNS.join(',')]));
  });

  it('detection_score in every file; a photo has no time, a recording a non-negative one', () => {
    const photo = resultsToCsv(frame, { image: 'a.jpg', model: 'm', backend: 'webgl' }).split('\r\n')[1]!.split(',');
    const rec = recordingToCsv(rowsOf(frame, -5), 'camera').split('\r\n')[1]!.split(',');
    const at = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    expect(photo[at('detection_score')]).toBe('0.93');
    expect(rec[at('detection_score')]).toBe('0.93');
    expect(photo[at('time_ms')]).toBe('');
    expect(rec[at('time_ms')]).toBe('0');
    expect(Number(photo[at('valence')])).toBeCloseTo(0.7 - 4 * 0.05, 3);
  });

  it('reading: as read everywhere, except a camera face read against its resting face (in the CSV and the JSON)', () => {
    const at = CSV_COLUMNS.indexOf('reading');
    expect(resultsToCsv(frame, { image: 'a.jpg', model: 'm', backend: 'webgl' }).split('\r\n')[1]!.split(',')[at]).toBe('as_read');
    const relative = {
      ...frame,
      faces: [
        { ...face, reading: 'relative' as const },
        { ...face, id: 2, reading: 'learning' as const },
      ],
    };
    const rows = rowsOf(relative, 10);
    expect(
      recordingToCsv(rows, 'camera')
        .split('\r\n')
        .slice(1, 3)
        .map((l) => l.split(',')[at]),
    ).toEqual(['vs_resting_face', 'learning_resting_face']);
    const json = JSON.parse(recordingToJson(rows, { kind: 'camera', source: 'camera', model: 'm', backend: 'webgl', appVersion: '0', startedAt: '', frameWidth: 100, frameHeight: 100 })) as {
      rows: { reading?: string }[];
    };
    expect(json.rows.map((r) => r.reading)).toEqual(['relative', 'learning']);
  });

  it('an empty list is the header alone', () => {
    expect(toCsv([])).toBe(CSV_COLUMNS.join(',') + '\r\n');
  });
});
