import { describe, expect, it } from 'vitest';
import type { Analysis } from './api';
import { isFiltered, isPhotoSubject, toFrameResult, visibleFaces } from './faces';

const analysis: Analysis = {
  kind: 'photo',
  width: 1000,
  height: 800,
  count: 2,
  boxes: Float32Array.from([10, 20, 200, 200, 600, 100, 30, 30]),
  crops: Float32Array.from([0, 0, 240, 240, 590, 90, 40, 40]),
  scores: Float32Array.from([0.95, 0.55]),
  probs: Float32Array.from([0, 0, 0, 0.9, 0, 0, 0.1, 0.2, 0, 0, 0, 0.7, 0, 0.1]),
  timings: { detectMs: 1, classifyMs: 2, totalMs: 3 },
  backend: 'webgl',
  model: 'm',
  tensors: 5,
};

describe('faces', () => {
  it('turns flat arrays into faces with boxes, scores, top emotions and provenance', () => {
    const r = toFrameResult(analysis, 42);
    expect(r).toMatchObject({ width: 1000, height: 800, time: 42, model: 'm', backend: 'webgl', tensors: 5 });
    expect(r.faces[0]).toMatchObject({ id: 1, box: { x: 10, y: 20, width: 200, height: 200 }, top: { emotion: 'happy' } });
    expect(r.faces[1]).toMatchObject({ id: 2, top: { emotion: 'sad' } });
    expect(r.faces[1]!.score).toBeCloseTo(0.55);
    expect(r.faces[0]!.roll).toBeUndefined(); // straight crops say nothing of a roll
  });

  it('carries the roll of a turned crop (a model that aligns faces), none for a level one', () => {
    const r = toFrameResult({ ...analysis, rolls: Float32Array.from([0.25, 0]) }, 0);
    expect(r.faces[0]!.roll).toBeCloseTo(0.25);
    expect(r.faces[1]!.roll).toBeUndefined();
  });

  it('hides faces below the confidence threshold (when asked) or below the minimum size', () => {
    const r = toFrameResult(analysis, 0);
    const f = { minScore: 0.6, minSize: 0, hideLowConfidence: true };
    expect(visibleFaces(r, f).map((x) => x.id)).toEqual([1]);
    expect(visibleFaces(r, { ...f, hideLowConfidence: false })).toHaveLength(2);
    // minimum size: 10 % of the shorter side (80 px): the 30 px face goes, even when shown uncertain
    expect(visibleFaces(r, { ...f, hideLowConfidence: false, minSize: 0.1 }).map((x) => x.box.width)).toEqual([200]);
    expect(isFiltered(r.faces[1]!, 1000, 800, { minScore: 0.5, minSize: 0, hideLowConfidence: true })).toBe(false);
  });

  it('never renumbers: a face keeps its id whatever the filters hide (ids in cards and CSV do not depend on a setting)', () => {
    // Face 1 is uncertain (0.4), face 2 is sure (0.9): hiding face 1 must not make face 2 "face 1".
    const r = toFrameResult(analysis, 0);
    const two = { ...r, faces: [{ ...r.faces[0]!, score: 0.4 }, { ...r.faces[1]!, score: 0.9 }] };
    const hide = visibleFaces(two, { minScore: 0.6, minSize: 0, hideLowConfidence: true });
    const show = visibleFaces(two, { minScore: 0.6, minSize: 0, hideLowConfidence: false });
    expect(hide.map((x) => x.id)).toEqual([2]);
    expect(show.map((x) => x.id)).toEqual([1, 2]);
  });

  it('a photo that is only a face shows its face whatever its detection score; a scene keeps its filter', () => {
    // A 65 x 94 film still found only on the padded retry, at 0.535 (a muxspace photo): hidden at 60 % before
    const tight: Analysis = { ...analysis, width: 65, height: 94, count: 1, padded: true, boxes: Float32Array.from([10, 6, 51, 51]), crops: Float32Array.from([5, -4, 60, 60]), scores: Float32Array.from([0.535]), probs: analysis.probs.slice(0, 7) };
    const f = { minScore: 0.6, minSize: 0, hideLowConfidence: true };
    const r = toFrameResult(tight, 0);
    expect(isPhotoSubject(r.faces[0]!, r)).toBe(true);
    expect(visibleFaces(r, f).map((x) => x.id)).toEqual([1]);
    // the same face, found as is in a scene, or small in a padded photo, stays under the filter
    expect(visibleFaces({ ...r, padded: false }, f)).toHaveLength(0);
    const small = { ...r, faces: [{ ...r.faces[0]!, box: { x: 0, y: 0, width: 20, height: 20 } }] };
    expect(isPhotoSubject(small.faces[0]!, small)).toBe(false);
    expect(visibleFaces(small, f)).toHaveLength(0);
    expect(visibleFaces(r, { ...f, minSize: 0.9 })).toHaveLength(0); // the size filter still applies
  });
});
