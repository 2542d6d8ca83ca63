import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FaceResult } from '../engine/faces';
import { CSV_COLUMNS } from './csv';
import { recordingToCsv, recordingToJson, rowsOf, summarizeRecording } from './recording';

const probs = (top: number, p = 0.7) => Float32Array.from(EMOTIONS, (_, i) => (i === top ? p : (1 - p) / 6));
const face = (id: number, top: number, stale = false): FaceResult => ({
  id,
  box: { x: 10 * id, y: 20, width: 100, height: 100 },
  crop: { x: 0, y: 0, width: 120, height: 120 },
  score: 0.9,
  probs: probs(top),
  top: { emotion: EMOTIONS[top]!, probability: 0.7 },
  stale,
});
const META = { kind: 'camera' as const, source: 'camera', model: 'ResEmoteNet-M', backend: 'webgl', appVersion: '0.2.0', startedAt: '2026-11-28T18:00:00.000Z', frameWidth: 640, frameHeight: 480 };

describe('recording rows', () => {
  it('has one row per face per frame, stale (held) faces excluded, with valence', () => {
    const rows = [...rowsOf({ faces: [face(1, 3), face(2, 4)] }, 0), ...rowsOf({ faces: [face(1, 3), face(2, 4, true)] }, 100)];
    expect(rows.map((r) => [r.t, r.face])).toEqual([
      [0, 1],
      [0, 2],
      [100, 1],
    ]);
    expect(rows[0]).toMatchObject({ top: 'happy', x: 10, width: 100 });
    expect(rows[0]!.valence).toBeCloseTo(0.7 - 4 * 0.05, 3); // happy minus the four negative emotions
    expect(rows[1]!.valence).toBeLessThan(0); // sad
  });

  it('CSV: the one schema (source first, detection_score), units in ms and pixels, one line per row, CRLF', () => {
    const rows = rowsOf({ faces: [face(1, 3), face(2, 5)] }, 250);
    const csv = recordingToCsv(rows, 'camera');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(rows.length + 2); // header, rows, final empty after the last CRLF
    const cell = (name: (typeof CSV_COLUMNS)[number]) => lines[1]!.split(',')[CSV_COLUMNS.indexOf(name)];
    expect(lines[1]!.split(',')).toHaveLength(CSV_COLUMNS.length);
    expect(cell('source')).toBe('camera');
    expect(Number(cell('time_ms'))).toBe(250);
    expect(Number(cell('detection_score'))).toBe(0.9);
    expect(EMOTIONS.reduce((a, e) => a + Number(cell(e)), 0)).toBeCloseTo(1, 3);
    expect(cell('top_emotion')).toBe('happy');
  });

  it('time_ms is never negative (a frame taken just before Record)', () => {
    expect(rowsOf({ faces: [face(1, 3)] }, -220.7)[0]!.t).toBe(0);
  });

  it('JSON carries model, backend, app version, start time, units, the summary and every row', () => {
    const rows = rowsOf({ faces: [face(1, 3)] }, 0);
    const json = JSON.parse(recordingToJson(rows, META));
    expect(json).toMatchObject({ format: 'resemote-recording/1', model: 'ResEmoteNet-M', backend: 'webgl', appVersion: '0.2.0', startedAt: META.startedAt, classes: EMOTIONS });
    expect(json.rows[0]).toMatchObject({ t: 0, face: 1, top: 'happy', box: { x: 10, y: 20, width: 100, height: 100 } });
    expect(Object.keys(json.rows[0].probabilities)).toEqual([...EMOTIONS]);
    expect(json.summary[0].face).toBe(1);
    expect(json.topEmotions.happy).toBe(1);
    expect(json.mixOverTime).toHaveLength(10);
  });

  it('summary: per face, the share of frames per top emotion and the mean valence', () => {
    const rows = [0, 100, 200, 300].flatMap((t, i) => rowsOf({ faces: [face(1, i < 3 ? 3 : 4), face(2, 6)] }, t));
    const [one, two] = summarizeRecording(rows);
    expect(one).toMatchObject({ face: 1, frames: 4, firstMs: 0, lastMs: 300 });
    expect(one!.share.happy).toBeCloseTo(0.75);
    expect(one!.share.sad).toBeCloseTo(0.25);
    expect(Object.values(one!.share).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(two!.share.neutral).toBe(1);
    expect(two!.meanValence).toBeCloseTo(0.05 - 4 * 0.05, 3); // neutral top: happy 0.05 minus four negatives at 0.05
  });
});
