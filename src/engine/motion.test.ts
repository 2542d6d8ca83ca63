import { describe, expect, it } from 'vitest';
import { BoxMotion } from './motion';

const box = (x: number) => ({ x, y: 0, width: 100, height: 100 });

describe('BoxMotion', () => {
  it('shows a new face where it is, then glides toward each new result at display rate', () => {
    const m = new BoxMotion(100);
    m.setTargets([{ id: 1, box: box(0) }]);
    expect(m.at(1, 0)).toEqual(box(0));
    m.setTargets([{ id: 1, box: box(200) }]); // the next analysis, 300 ms later
    const early = m.at(1, 16)!.x;
    expect(early).toBeCloseTo(200 * (1 - 0.5 ** (16 / 100)), 6);
    expect(m.at(1, 116)!.x).toBeCloseTo((early + 200) / 2, 6); // one half-life later: half the rest of the way
    expect(m.moving()).toBe(true);
    expect(m.at(1, 2000)!.x).toBeCloseTo(200, 1);
    expect(m.moving()).toBe(false);
  });

  it('drops faces that are gone, and jumps when following is off', () => {
    const m = new BoxMotion(100);
    m.setTargets([{ id: 1, box: box(0) }]);
    m.at(1, 0);
    m.setTargets([]);
    expect(m.at(1, 10)).toBeUndefined();
    const jump = new BoxMotion(0);
    jump.setTargets([{ id: 2, box: box(0) }]);
    jump.at(2, 0);
    jump.setTargets([{ id: 2, box: box(300) }]);
    expect(jump.at(2, 1)).toEqual(box(300));
  });
});
