import { describe, expect, it } from 'vitest';
import type { Analysis } from './api';
import { isFiltered, isPhotoSubject, numberPhotoFaces, photoFaces, toFrameResult, visibleFaces } from './faces';

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
    const two = {
      ...r,
      faces: [
        { ...r.faces[0]!, score: 0.4 },
        { ...r.faces[1]!, score: 0.9 },
      ],
    };
    const hide = visibleFaces(two, { minScore: 0.6, minSize: 0, hideLowConfidence: true });
    const show = visibleFaces(two, { minScore: 0.6, minSize: 0, hideLowConfidence: false });
    expect(hide.map((x) => x.id)).toEqual([2]);
    expect(show.map((x) => x.id)).toEqual([1, 2]);
  });

  it('a photo that is only a face shows its face whatever its detection score, however it was found', () => {
    // A 143 x 181 film face found as is at 0.51, its box filling the photo: hidden at 60 % before
    const film: Analysis = {
      ...analysis,
      width: 143,
      height: 181,
      count: 1,
      boxes: Float32Array.from([12, 30, 120, 120]),
      crops: Float32Array.from([0, 10, 141, 141]),
      scores: Float32Array.from([0.51]),
      probs: analysis.probs.slice(0, 7),
    };
    const f = { minScore: 0.6, minSize: 0, hideLowConfidence: true };
    const r = toFrameResult(film, 0);
    expect(isPhotoSubject(r.faces[0]!, r)).toBe(true);
    expect(photoFaces(r, f)).toMatchObject({ hidden: 0, kept: [{ id: 1, reason: 'subject' }] });
    expect(visibleFaces({ ...r, padded: true }, f).map((x) => x.id)).toEqual([1]); // found on the padded retry: the same
    // In a scene the same score stays under the filter: a small face beside a sure one is hidden.
    const scene = toFrameResult({ ...analysis, scores: Float32Array.from([0.95, 0.51]) }, 0);
    expect(isPhotoSubject(scene.faces[1]!, scene)).toBe(false);
    expect(photoFaces(scene, f)).toMatchObject({ hidden: 1, kept: [] });
  });

  it('a photo whose faces the filters would all hide shows its most confident one, saying so', () => {
    const r = toFrameResult({ ...analysis, scores: Float32Array.from([0.52, 0.55]) }, 0);
    const f = { minScore: 0.6, minSize: 0, hideLowConfidence: true };
    const shown = photoFaces(r, f);
    expect(shown.faces.map((x) => x.id)).toEqual([2]);
    expect(shown).toMatchObject({ hidden: 1, kept: [{ id: 2, reason: 'best' }] });
    expect(photoFaces(r, { ...f, minSize: 0.9 }).faces).toHaveLength(1); // the size filter too
    expect(photoFaces({ ...r, faces: [] }, f)).toEqual({ faces: [], hidden: 0, kept: [] }); // nothing found: nothing to show
  });

  it('a photo read whole shows its one face whatever the filters', () => {
    const r = { ...toFrameResult({ ...analysis, count: 1, whole: true, scores: Float32Array.from([0]) }, 0) };
    expect(r.whole).toBe(true);
    expect(photoFaces(r, { minScore: 0.9, minSize: 0.4, hideLowConfidence: true })).toMatchObject({ hidden: 0, kept: [] });
  });

  it('numbers a photo once, with no gaps: the faces shown 1..k left to right, then the hidden ones, surest first', () => {
    const three: Analysis = {
      ...analysis,
      count: 3,
      boxes: Float32Array.from([10, 20, 200, 200, 300, 20, 200, 200, 600, 100, 200, 200]),
      crops: new Float32Array(12),
      scores: Float32Array.from([0.95, 0.52, 0.9]),
      probs: new Float32Array(21),
    };
    const f = { minScore: 0.6, minSize: 0, hideLowConfidence: true };
    const r = numberPhotoFaces(toFrameResult(three, 0), f);
    expect(r.faces.map((x) => [x.id, x.box.x])).toEqual([
      [1, 10],
      [2, 600],
      [3, 300],
    ]);
    expect(visibleFaces(r, f).map((x) => x.id)).toEqual([1, 2]); // not 1, 3
    expect(visibleFaces(r, { ...f, hideLowConfidence: false }).map((x) => x.id)).toEqual([1, 2, 3]);
  });

  it("keeps a video's numbers for the faces of its frame opened as a photo", () => {
    const two = toFrameResult(analysis, 0); // faces at x 10 (200 px) and x 600 (30 px)
    const r = numberPhotoFaces(two, { minScore: 0.5, minSize: 0, hideLowConfidence: true }, [{ id: 3, box: { x: 12, y: 22, width: 196, height: 198 } }]);
    expect(r.faces.map((x) => [x.id, x.box.x])).toEqual([
      [3, 10], // the video's face 3
      [4, 600], // a face the video did not have: after its largest number
    ]);
  });
});
