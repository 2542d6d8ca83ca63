import { describe, expect, it } from 'vitest';
import { cropScale, toY4m, toY4mFrames } from './y4m';

describe('y4m', () => {
  it('writes a header, a FRAME marker and 4:2:0 planes with BT.601 values', () => {
    const red = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0)) };
    const y4m = toY4m(red);
    const text = new TextDecoder().decode(y4m.slice(0, 50));
    expect(text.startsWith('YUV4MPEG2 W4 H2 F30:1 Ip A1:1 C420jpeg\nFRAME\n')).toBe(true);
    const header = 'YUV4MPEG2 W4 H2 F30:1 Ip A1:1 C420jpeg\nFRAME\n'.length;
    expect(y4m.length).toBe(header + 8 + 2 + 2);
    expect(y4m[header]).toBe(76); // Y of pure red
    expect(y4m[header + 8 + 2]).toBe(255); // V of pure red (clamped)
    expect(() => toY4m({ width: 3, height: 2, data: new Uint8Array(18) })).toThrow(/even/);
  });

  it('crops and scales a region', () => {
    const img = { width: 4, height: 1, data: Uint8Array.from([0, 0, 0, 0, 0, 0, 200, 200, 200, 200, 200, 200]) };
    const right = cropScale(img, { x: 2, y: 0, width: 2, height: 1 }, 2, 1);
    expect(Array.from(right.data)).toEqual(new Array(6).fill(200));
    const left = cropScale(img, { x: 0, y: 0, width: 2, height: 1 }, 2, 1);
    expect(Array.from(left.data)).toEqual(new Array(6).fill(0));
  });

  it('writes several frames after one header, each with its marker', () => {
    const gray = (v: number) => ({ width: 2, height: 2, data: new Uint8Array(12).fill(v) });
    const y4m = toY4mFrames([gray(0), gray(255)], 5);
    const header = 'YUV4MPEG2 W2 H2 F5:1 Ip A1:1 C420jpeg\n'.length;
    const frame = 'FRAME\n'.length + 4 + 1 + 1;
    expect(y4m.length).toBe(header + 2 * frame);
    expect(new TextDecoder().decode(y4m.slice(header + frame, header + frame + 6))).toBe('FRAME\n');
    expect(y4m[header + 6]).toBe(0);
    expect(y4m[header + frame + 6]).toBe(255);
    expect(() => toY4mFrames([gray(0), { width: 4, height: 2, data: new Uint8Array(24) }])).toThrow(/same size/);
  });
});
