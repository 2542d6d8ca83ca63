/**
 * `npm run face-check -- report`: what scripts/face-check.ts collected, as the tables of
 * docs/reliability.md. Every detection is labelled (a face, a false face, or left out), then each
 * rule is counted: faces shown (an image of a face source shows its face) and false faces shown
 * (detections on face-free regions and the non-faces of the scenes), before and after the face
 * check, and beside it the other checks tried.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Box } from '../../src/engine/box.ts';
import { iou } from '../../src/engine/box.ts';
import { DEFAULT_MIN_SCORE } from '../../src/engine/api.ts';
import { fillsImage, passesFaceCheck } from '../../src/engine/faceCheck.ts';
import type { ExaminedFace, ExaminedImage } from './face-check-page.ts';

/** One examined image, a line of the collected records (scripts/face-check.ts collect). */
export interface Rec {
  set: string;
  file: string;
  kind: 'photo' | 'frame';
  /** What the image is: one face (a face source), a scene (its faces listed), or no face at all. */
  truth: 'face' | 'scene' | 'none';
  region?: Box;
  result: ExaminedImage;
}

/** One detection with its label; `image` is the analysed image's size. */
export interface Labelled {
  label: 'face' | 'false' | 'other';
  set: string;
  kind: 'photo' | 'frame';
  face: ExaminedFace;
  width: number;
  height: number;
}

type Point = { x: number; y: number };
const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const inside = (p: { x: number; y: number }, b: Box) => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;

/**
 * A face source's image holds one face: the best-scored detection over the image's centre is it,
 * any other is left out (a neighbour's face cut by the crop, or nothing). A scene's detection is a
 * face when it overlaps a listed face (IoU >= 0.3, or its centre inside one), a false face
 * otherwise. Every detection on a face-free region is a false face.
 */
export function label(
  records: readonly Rec[],
  sceneFaces: Readonly<Record<string, readonly Box[] | string>>,
): { detections: Labelled[]; faceImages: { set: string; face: ExaminedFace | null; width: number; height: number }[] } {
  const detections: Labelled[] = [];
  const faceImages: { set: string; face: ExaminedFace | null; width: number; height: number }[] = [];
  for (const r of records) {
    const { width, height, faces } = r.result;
    const at = (label: Labelled['label'], face: ExaminedFace, set = r.set) => detections.push({ label, set, kind: r.kind, face, width, height });
    if (r.truth === 'face') {
      const middle = faces.filter((f) => inside({ x: width / 2, y: height / 2 }, f.box));
      const best = (middle.length ? middle : faces).reduce<ExaminedFace | null>((b, f) => (!b || f.score > b.score ? f : b), null);
      faceImages.push({ set: r.set, face: best, width, height });
      for (const f of faces) at(f === best ? 'face' : 'other', f);
    } else if (r.truth === 'scene') {
      const listed = sceneFaces[r.file];
      if (listed === undefined || typeof listed === 'string') throw new Error(`no faces listed for ${r.file}`);
      for (const f of faces) at(listed.some((t) => iou(f.box, t) >= 0.3 || inside(centre(f.box), t)) ? 'face' : 'false', f, `scenes (${r.kind})`);
    } else for (const f of faces) at('false', f, `face-free regions (${r.kind})`);
  }
  return { detections, faceImages };
}

/** A rule: is this detection shown? `subject`: its box fills the image (a photo that is only a face). */
export type Rule = (f: ExaminedFace, subject: boolean) => boolean;

const subjectOf = (f: ExaminedFace, width: number, height: number) => fillsImage(f.box, width, height);
/** The engine's second look as the engine sees it: its detector reports nothing under its floor (0.5). */
const atFloor = (v: number | undefined) => (v !== undefined && v >= DEFAULT_MIN_SCORE ? v : 0);
const look = (f: ExaminedFace) => atFloor(f.again.look);

export const RULES: Record<string, Rule> = {
  'app before (filter 0.6; a face found only on the padded retry that fills the photo shown below it)': (f, subject) => f.score >= 0.6 || (f.padded && subject),
  'library before (floor 0.5)': (f) => f.score >= 0.5,
  'after: floor 0.5 + face check (app and library)': (f, subject) => f.score >= 0.5 && passesFaceCheck(f.score, look(f), subject),
  'after, the same pass for a face that fills the photo': (f) => f.score >= 0.5 && passesFaceCheck(f.score, look(f)),
};

/** Other ways tried, for the docs: higher floors alone, and second looks of other shapes. */
export const ALTERNATIVES: Record<string, Rule> = {
  'floor 0.55': (f) => f.score >= 0.55,
  'floor 0.6': (f) => f.score >= 0.6,
  'floor 0.65': (f) => f.score >= 0.65,
  'floor 0.7': (f) => f.score >= 0.7,
  'second look, not mirrored (2x)': (f, subject) => f.score >= 0.5 && passesFaceCheck(f.score, atFloor(f.again['2']), subject),
  'second look mirrored, 1.5x': (f, subject) => f.score >= 0.5 && passesFaceCheck(f.score, atFloor(f.again['m1.5']), subject),
  'second look mirrored, 3x': (f, subject) => f.score >= 0.5 && passesFaceCheck(f.score, atFloor(f.again.m3), subject),
  'keypoint geometry (each measure within the range of 99.5 % of faces)': () => true, // filled in by geometryRule
};

/** The six keypoints' shape, box-relative: eye distance, nose off the eyes' middle, mouth below nose, eye height, ear distance. */
export function geometry(f: ExaminedFace): number[] | null {
  const k = f.keypoints;
  if (k.length < 6) return null;
  const [re, le, no, mo, rr, lr] = k as [Point, Point, Point, Point, Point, Point];
  const { width: w, height: h } = f.box;
  const eyes = Math.hypot(le.x - re.x, le.y - re.y);
  return [eyes / w, Math.abs(no.x - (le.x + re.x) / 2) / Math.max(eyes, 1e-6), (mo.y - no.y) / h, ((le.y + re.y) / 2 - f.box.y) / h, Math.hypot(lr.x - rr.x, lr.y - rr.y) / w];
}

/** A rule from the keypoints' shape: every measure inside the range 99.5 % of real faces have. */
export function geometryRule(faces: readonly ExaminedFace[]): Rule {
  const all = faces.map(geometry).filter((g): g is number[] => g !== null);
  const ranges = (all[0] ?? []).map((_, i) => {
    const v = all.map((g) => g[i] as number).sort((a, b) => a - b);
    return [v[Math.floor(0.0025 * v.length)] as number, v[Math.ceil(0.9975 * v.length) - 1] as number];
  });
  return (f) => {
    const g = geometry(f);
    return f.score >= 0.5 && (!g || g.every((x, i) => x >= (ranges[i]?.[0] ?? -Infinity) && x <= (ranges[i]?.[1] ?? Infinity)));
  };
}

function count(d: readonly Labelled[], rule: Rule): number {
  return d.filter((x) => rule(x.face, subjectOf(x.face, x.width, x.height))).length;
}

const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;

export function reportFaceCheck(out: string, sceneFaces: Readonly<Record<string, readonly Box[] | string>>): void {
  const records = readdirSync(out)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(out, f), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Rec),
    );
  const { detections, faceImages } = label(records, sceneFaces);
  const faceSets = [...new Set(faceImages.map((i) => i.set))];
  const falseSets = [...new Set(detections.filter((d) => d.label === 'false').map((d) => d.set))].sort();
  const sceneFacesFound = detections.filter((d) => d.label === 'face' && d.set.startsWith('scenes'));
  const shownFaces = (set: string, rule: Rule) => faceImages.filter((i) => i.set === set && i.face && rule(i.face, subjectOf(i.face, i.width, i.height))).length;
  const columns = [...faceSets.map((s) => `${s} (${faceImages.filter((i) => i.set === s).length})`), 'faces in scenes', ...falseSets.map((s) => `false: ${s}`)];
  const row = (name: string, rule: Rule) => {
    const cells = [
      ...faceSets.map((s) => String(shownFaces(s, rule))),
      `${count(sceneFacesFound, rule)} / ${sceneFacesFound.length}`,
      ...falseSets.map((s) => {
        const d = detections.filter((x) => x.label === 'false' && x.set === s);
        return `${count(d, rule)} / ${d.length}`;
      }),
    ];
    return `| ${name} | ${cells.join(' | ')} |`;
  };
  const allFaces = faceImages.filter((i) => i.face).map((i) => i.face as ExaminedFace);
  const alternatives = { ...ALTERNATIVES, 'keypoint geometry (each measure within the range of 99.5 % of faces)': geometryRule(allFaces) };
  console.log(`Face images shown (a face source's image shows its face) and false faces shown (detections at 0.5 or more), ${records.length} analysed images\n`);
  console.log(`| rule | ${columns.join(' | ')} |`);
  console.log(`| --- |${columns.map(() => ' --- |').join('')}`);
  for (const [name, rule] of Object.entries(RULES)) console.log(row(name, rule));
  console.log('\nOther checks, every detection at 0.5 or more:\n');
  const faces = detections.filter((d) => d.label === 'face' && d.face.score >= 0.5);
  const falses = detections.filter((d) => d.label === 'false' && d.face.score >= 0.5);
  console.log('| rule | faces kept | false faces removed |');
  console.log('| --- | --- | --- |');
  for (const [name, rule] of Object.entries({ ...RULES, ...alternatives })) {
    const kept = count(faces, rule);
    const removed = falses.length - count(falses, rule);
    console.log(`| ${name} | ${kept} / ${faces.length} (${pct(kept, faces.length)}) | ${removed} / ${falses.length} (${pct(removed, falses.length)}) |`);
  }
  const missed = faceImages.filter((i) => !i.face || i.face.score < 0.5);
  console.log(`\nFace images with no detection at 0.5 or more: ${missed.length} (${faceSets.map((s) => `${s} ${missed.filter((i) => i.set === s).length}`).join(', ')})`);
}
