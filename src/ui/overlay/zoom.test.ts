import { describe, expect, it } from 'vitest';
import { clampView, fitView, MAX_ZOOM, panBy, toPicture, zoomAt } from './zoom';

const pic = { width: 4000, height: 3000 };
const port = { width: 800, height: 800 };

describe('zoom and pan', () => {
  it('fits the picture, centred', () => {
    expect(fitView(pic, port)).toEqual({ scale: 0.2, x: 0, y: 100 });
  });

  it('zooms about the pointer: the picture point under it stays under it', () => {
    const fit = fitView(pic, port);
    const before = toPicture(fit, 600, 400);
    const z = zoomAt(fit, 3, 600, 400, pic, port);
    expect(z.scale).toBeCloseTo(0.6);
    const after = toPicture(z, 600, 400);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('never zooms out past the fit nor in past the maximum, and pans only within the picture', () => {
    const fit = fitView(pic, port);
    expect(zoomAt(fit, 0.1, 400, 400, pic, port)).toEqual(fit);
    expect(zoomAt(fit, 1000, 400, 400, pic, port).scale).toBeCloseTo(0.2 * MAX_ZOOM);
    const z = zoomAt(fit, 4, 400, 400, pic, port); // 3200 x 2400 shown
    const far = panBy(z, 10_000, 10_000, pic, port);
    expect(far.x).toBe(0);
    expect(far.y).toBe(0);
    const other = panBy(z, -10_000, -10_000, pic, port);
    expect(other.x).toBe(800 - 3200);
    expect(other.y).toBe(800 - 2400);
    expect(clampView({ scale: 0.2, x: 50, y: 50 }, pic, port)).toEqual(fit); // smaller than the viewport: centred
  });
});
