import { describe, expect, it, vi } from 'vitest';
import { drawHeat, heatPixels, heatRgba } from './heat';

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

  it('gives each cell its colour, transparent where nothing matters', () => {
    const values = new Float32Array(4);
    values[3] = 1;
    const px = heatPixels({ cells: 2, values });
    expect(Array.from(px.slice(0, 4))).toEqual([255, 235, 60, 0]);
    expect(Array.from(px.slice(12, 16))).toEqual([255, 50, 0, Math.round(0.75 * 255)]);
  });

  it('lays the map over the crop in view pixels, smoothed, and keeps it inside the face box', () => {
    const calls: { op: string; args: number[] }[] = [];
    let tx = 0;
    let ty = 0;
    vi.stubGlobal('document', {
      createElement: () => ({ width: 0, height: 0, getContext: () => ({ createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }), putImageData() {} }) }),
    });
    const ctx = {
      imageSmoothingEnabled: false,
      imageSmoothingQuality: 'low',
      save() {},
      restore() {},
      rotate() {},
      scale() {},
      beginPath() {},
      clip() {},
      rect: (x: number, y: number, w: number, h: number) => calls.push({ op: 'clip', args: [x, y, w, h] }),
      translate(x: number, y: number) {
        tx += x;
        ty += y;
      },
      drawImage: (_img: unknown, _sx: number, _sy: number, _sw: number, _sh: number, dx: number, dy: number, dw: number) => calls.push({ op: 'draw', args: [dx + tx, dy + ty, dw] }),
    };
    try {
      const values = new Float32Array(4);
      values[3] = 1;
      drawHeat(
        ctx as unknown as CanvasRenderingContext2D,
        { cells: 2, values, crop: { x: 100, y: 50, width: 40, height: 40 } },
        { scale: 2, offsetX: 10, offsetY: 0, mirror: false, sourceWidth: 400 },
        0,
        { x: 105, y: 55, width: 30, height: 30 },
      );
    } finally {
      vi.unstubAllGlobals();
    }
    // The box (105, 55, 30) at scale 2 + offset 10: view (220, 110, 60); the crop's square (210, 100, 80).
    expect(calls).toEqual([
      { op: 'clip', args: [220, 110, 60, 60] },
      { op: 'draw', args: [210, 100, 80] },
    ]);
    expect(ctx.imageSmoothingEnabled).toBe(true);
  });
});
