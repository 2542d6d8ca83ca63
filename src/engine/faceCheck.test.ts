import { describe, expect, it } from 'vitest';
import { againScore, expectedInLook, FACE_CHECK, fillsImage, needsSecondLook, passesFaceCheck, secondLookRegion } from './faceCheck';

describe('the face check', () => {
  it('keeps a sure detection without a second look, and one it is not sure of only when found again well enough', () => {
    expect(needsSecondLook(0.92)).toBe(false);
    expect(needsSecondLook(0.79)).toBe(true);
    expect(passesFaceCheck(0.92, 0)).toBe(true);
    // A tight face crop scored 0.52 and found again at 0.9: a face.
    expect(passesFaceCheck(0.52, 0.9)).toBe(true);
    // A building scored 0.61 that the second look does not find: not a face, however high its score under `sure`.
    expect(passesFaceCheck(0.61, 0)).toBe(false);
    expect(passesFaceCheck(0.78, 0)).toBe(false);
    // Found again, but barely, at a low first score: not enough.
    expect(passesFaceCheck(0.5, 0.58)).toBe(false);
    expect(passesFaceCheck(0.5, 0.6)).toBe(true);
    expect(FACE_CHECK.pass).toBeGreaterThan(1); // nothing passes on a first look under `sure` alone
  });

  it('asks less of a face that fills the photo: found again at all is enough (a tight crop scores lower on both looks)', () => {
    // The committed tight webcam crop: 0.54 on the padded retry, found again at 0.53.
    expect(passesFaceCheck(0.54, 0.53, true)).toBe(true);
    expect(passesFaceCheck(0.54, 0.53, false)).toBe(false);
    // A building that fills a photo is not found again: still not a face.
    expect(passesFaceCheck(0.61, 0, true)).toBe(false);
    expect(fillsImage({ x: 0, y: 40, width: 240, height: 240 }, 500, 282)).toBe(true);
    expect(fillsImage({ x: 0, y: 40, width: 100, height: 100 }, 500, 282)).toBe(false);
  });

  it('looks at the square twice the box, centred on it', () => {
    expect(secondLookRegion({ x: 100, y: 50, width: 40, height: 60 })).toEqual({ x: 60, y: 20, width: 120, height: 120 });
  });

  it('expects the box where it lands in the look, mirrored when the look is', () => {
    const region = { x: 60, y: 20, width: 120, height: 120 };
    const box = { x: 100, y: 50, width: 40, height: 60 };
    expect(expectedInLook(box, region, 240, false)).toEqual({ x: 80, y: 60, width: 80, height: 120 });
    expect(expectedInLook(box, region, 240, true)).toEqual({ x: 80, y: 60, width: 80, height: 120 }); // centred: its own mirror
    const left = { x: 60, y: 50, width: 40, height: 60 };
    expect(expectedInLook(left, region, 240, true).x).toBe(240 - 0 - 80);
  });

  it('scores the look by the best detection on the box, ignoring a face found beside it', () => {
    const expected = { x: 80, y: 60, width: 80, height: 120 };
    expect(againScore([], expected)).toBe(0);
    expect(againScore([{ box: { x: 0, y: 0, width: 60, height: 60 }, score: 0.97 }], expected)).toBe(0); // another face in the square
    expect(
      againScore(
        [
          { box: { x: 85, y: 62, width: 78, height: 110 }, score: 0.8 },
          { box: { x: 90, y: 70, width: 70, height: 100 }, score: 0.9 },
        ],
        expected,
      ),
    ).toBe(0.9);
  });
});
