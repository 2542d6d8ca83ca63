/**
 * WCAG AA for every emotion word: each emotion's text colour on the surfaces it
 * is written on, in both themes, computed from the stylesheet itself, and each emotion colour on
 * the canvas panels' plate over the lightest and darkest photo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrastRatio, over, parseColor, type Rgb } from '../engine/contrast';
import { EMOTION_COLOR, EMOTIONS } from '../engine/emotions';
import { PLATE } from './overlay/draw';

const css = readFileSync(join(import.meta.dirname, 'styles.css'), 'utf8');

/** The custom properties of the first `:root { … }` after `from` in the stylesheet. */
function vars(from: number): Record<string, string> {
  const open = css.indexOf(':root {', from);
  const block = css.slice(open, css.indexOf('}', open));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1] as string, m[2] as string]));
}
const themes = { dark: vars(0), light: vars(css.indexOf('@media (prefers-color-scheme: light)')) };

describe('emotion words meet WCAG AA (4.5:1)', () => {
  it.each(Object.entries(themes))('%s theme: every --emo-* on --panel and on --bg', (_, v) => {
    for (const e of EMOTIONS) {
      const text = v[`emo-${e}`];
      expect(text, `--emo-${e}`).toBeDefined();
      for (const surface of ['panel', 'bg']) {
        const ratio = contrastRatio(parseColor(text!), parseColor(v[surface]!));
        expect({ e, surface, ok: ratio >= 4.5, ratio: Number(ratio.toFixed(2)) }).toMatchObject({ ok: true });
      }
    }
  });

  it('on the canvas panels: every emotion colour on the plate, over a white and a black photo', () => {
    const plate = parseColor(PLATE.color);
    for (const photo of [
      [255, 255, 255],
      [0, 0, 0],
    ] as Rgb[]) {
      for (const e of EMOTIONS) {
        const ratio = contrastRatio(parseColor(EMOTION_COLOR[e]), over(plate, PLATE.alpha, photo));
        expect({ e, photo, ok: ratio >= 4.5, ratio: Number(ratio.toFixed(2)) }).toMatchObject({ ok: true });
      }
    }
  });

  it('the formula: black on white is 21:1, a colour on itself 1:1, the old Happy on white fails', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio(parseColor('#6ea8ff'), parseColor('#6ea8ff'))).toBe(1);
    expect(contrastRatio(parseColor('#ffd23f'), parseColor('#ffffff'))).toBeLessThan(1.5); // 1.44:1, the Happy of 0.2.0
  });
});
