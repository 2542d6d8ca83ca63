import { describe, expect, it } from 'vitest';
import type { FrameResult } from '../engine/pipeline';
import { Announcer, summarize } from './announce';
import { exportName, resultsToCsv, resultsToJson } from './results';

const probs = Float32Array.from([0.01, 0, 0.02, 0.9, 0.03, 0.04, 0]);
const result: FrameResult = {
  width: 800,
  height: 600,
  time: 0,
  timings: { detectMs: 1, classifyMs: 1, totalMs: 2 },
  faces: [
    { id: 1, box: { x: 10.26, y: 20, width: 100, height: 120 }, crop: { x: 0, y: 0, width: 150, height: 150 }, score: 0.97, probs, top: { emotion: 'happy', probability: 0.9 }, stale: false },
    { id: 2, box: { x: 400, y: 20, width: 90, height: 90 }, crop: { x: 0, y: 0, width: 1, height: 1 }, score: 0.8, probs, top: { emotion: 'happy', probability: 0.9 }, stale: false },
  ],
};
const ctx = { image: 'team, "final".jpg', model: 'resemotenet-s', backend: 'webgl' };

describe('result files', () => {
  it('JSON carries every face with named probabilities', () => {
    const json = JSON.parse(resultsToJson(result, ctx));
    expect(json.faces).toHaveLength(2);
    expect(json.faces[0].probabilities.happy).toBeCloseTo(0.9);
    expect(Object.keys(json.faces[0].probabilities)).toEqual(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
    expect(json.faces[0].box.x).toBe(10.3);
  });

  it('CSV has a header and one row per face, with quoting', () => {
    const lines = resultsToCsv(result, ctx).trim().split('\n');
    expect(lines[0]).toBe('image,face,x,y,width,height,detection_score,top_emotion,angry,disgust,fear,happy,sad,surprise,neutral');
    expect(lines).toHaveLength(3);
    expect(lines[1]?.startsWith('"team, ""final"".jpg",1,')).toBe(true);
    expect(exportName('photo.final.jpg', 'csv')).toBe('photo.final-emotions.csv');
  });
});

describe('announcer', () => {
  it('summarises the top emotion per face', () => {
    expect(summarize(result.faces)).toBe('2 faces. face 1: happy, face 2: happy.');
    expect(summarize([])).toBe('No face in view.');
  });

  it('speaks only on change and at most every interval', () => {
    const a = new Announcer(1000);
    expect(a.next(result.faces, 0)).toContain('2 faces');
    expect(a.next(result.faces, 5000)).toBeNull(); // unchanged
    expect(a.next(result.faces.slice(0, 1), 500)).toBeNull(); // too soon
    expect(a.next(result.faces.slice(0, 1), 1500)).toBe('1 face. face 1: happy.');
  });
});
