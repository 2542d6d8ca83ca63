import { describe, expect, it } from 'vitest';
import { drawHeat, heatRgba } from './heat';

describe('heat scale', () => {
  it('is transparent where nothing matters and grows more opaque and redder with the value', () => {
    expect(heatRgba(0)[3]).toBe(0);
    const vs = [0.1, 0.3, 0.6, 1].map(heatRgba);
    for (let i = 1; i < vs.length; i++) {
      expect(vs[i]![3]).toBeGreaterThan(vs[i - 1]![3]);
      expect(vs[i]![1]).toBeLessThan(vs[i - 1]![1]); // less green: redder
    }
    expect(heatRgba(2)).toEqual(heatRgba(1));
  });

  it('fills each cell that matters at its place over the crop, in view pixels', () => {
    const rects: { x: number; y: number; w: number; style: string }[] = [];
    let tx = 0;
    let ty = 0;
    const ctx = {
      fillStyle: '',
      save() {},
      restore() {},
      rotate() {},
      scale() {},
      translate(x: number, y: number) {
        tx += x;
        ty += y;
      },
      fillRect(this: { fillStyle: string }, x: number, y: number, w: number) {
        rects.push({ x: x + tx, y: y + ty, w, style: this.fillStyle });
      },
    } as unknown as CanvasRenderingContext2D;
    const values = new Float32Array(4);
    values[3] = 1; // the bottom-right cell of a 2 x 2 grid
    drawHeat(ctx, { cells: 2, values, crop: { x: 100, y: 50, width: 40, height: 40 } }, { scale: 2, offsetX: 10, offsetY: 0, mirror: false, sourceWidth: 400 });
    expect(rects).toHaveLength(1);
    // crop (100, 50, 40) at scale 2 + offset 10: view square (210, 100, 80); its bottom-right cell at (250, 140)
    expect(rects[0]!.x).toBeCloseTo(250);
    expect(rects[0]!.y).toBeCloseTo(140);
    expect(rects[0]!.w).toBeCloseTo(40.5);
    expect(rects[0]!.style).toMatch(/^rgba\(255,50,0,/);
  });
});
