import { describe, expect, it } from 'vitest';
import { intersection } from '../../engine/box';
import { containTransform, layoutPanels, PANEL, placePanel, toView } from './layout';

describe('overlay layout', () => {
  it('letterboxes a 16:9 source in a 4:3 view and maps boxes into it', () => {
    const t = containTransform(1280, 720, 640, 480);
    expect(t.scale).toBe(0.5);
    expect(t.offsetY).toBe(60);
    expect(toView({ x: 100, y: 100, width: 200, height: 200 }, t)).toEqual({ x: 50, y: 110, width: 100, height: 100 });
  });

  it('mirrors boxes for a selfie preview, so the box stays on the face', () => {
    const t = containTransform(1000, 500, 1000, 500, true);
    expect(toView({ x: 100, y: 0, width: 200, height: 100 }, t).x).toBe(700);
  });

  it('puts the panel right of the face, else left, else inside the view', () => {
    const right = placePanel({ x: 100, y: 100, width: 140, height: 140 }, 1000, 600);
    expect(right.side).toBe('right');
    expect(right.panel.x).toBeGreaterThan(240);
    const left = placePanel({ x: 800, y: 100, width: 140, height: 140 }, 1000, 600);
    expect(left.side).toBe('left');
    expect(left.panel.x + left.panel.width).toBeLessThanOrEqual(800);
    const inside = placePanel({ x: 100, y: 100, width: 250, height: 250 }, 400, 600);
    expect(inside.side).toBe('inside');
    for (const p of [right, left, inside]) {
      expect(p.panel.x).toBeGreaterThanOrEqual(0);
      expect(p.panel.y + p.panel.height).toBeLessThanOrEqual(600);
    }
  });

  it('scales the panel with the face size and the device pixel ratio, within bounds', () => {
    const small = placePanel({ x: 0, y: 0, width: 20, height: 20 }, 4000, 4000);
    const big = placePanel({ x: 0, y: 0, width: 900, height: 900 }, 4000, 4000);
    expect(small.panel.width).toBeCloseTo(PANEL.width * 0.7);
    expect(big.panel.width).toBeCloseTo(PANEL.width * 1.3);
    expect(placePanel({ x: 0, y: 0, width: 280, height: 280 }, 4000, 4000, 2).panel.width).toBeCloseTo(PANEL.width * 2);
  });

  it('lays out a row of close faces without panels covering each other or the faces', () => {
    const faces = [0, 1, 2, 3].map((i) => ({ x: 100 + i * 150, y: 300, width: 120, height: 120 }));
    const placed = layoutPanels(faces, 1000, 1000);
    expect(placed).toHaveLength(4);
    for (const [i, p] of placed.entries()) {
      expect(p.box).toBe(faces[i]);
      for (const f of faces) expect(intersection(p.panel, f)).toBe(0);
      for (const q of placed) if (q !== p) expect(intersection(p.panel, q.panel)).toBe(0);
    }
  });
});

describe('compact panels', () => {
  it('shrink to the top emotion when the full panel has no room (a phone, a crowd), not otherwise', () => {
    const roomy = layoutPanels([{ x: 100, y: 100, width: 140, height: 140 }], 1280, 720);
    expect(roomy[0]?.compact).toBe(false);
    const phone = layoutPanels([{ x: 100, y: 60, width: 120, height: 120 }], 340, 255);
    expect(phone[0]?.compact).toBe(true);
    expect(phone[0]!.panel.height).toBeLessThan(40);
  });
});

describe('crowded photos', () => {
  it('drawn panels never overlap each other or any face: far panels get a leader line, else only the number', () => {
    // Eighteen faces in three tight rows, as in a class photo at fit (old main: 12 overlaps).
    const faces = Array.from({ length: 18 }, (_, i) => ({ x: 20 + (i % 6) * 115, y: 20 + Math.floor(i / 6) * 130, width: 105, height: 105 }));
    const placed = layoutPanels(faces, 720, 420);
    const drawn = placed.filter((p) => !p.tagOnly);
    expect(drawn.length).toBeGreaterThan(0);
    for (const p of drawn) {
      for (const f of faces) expect(intersection(p.panel, f)).toBeLessThan(1);
      for (const q of drawn) if (q !== p) expect(intersection(p.panel, q.panel)).toBeLessThan(1);
    }
    // Some could not sit beside their face: they are joined by a line or reduced to a number.
    expect(placed.some((p) => p.leader || p.tagOnly)).toBe(true);
  });
});
