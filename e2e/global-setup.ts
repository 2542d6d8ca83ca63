/**
 * Generate the fake-camera videos from the committed photos (Y4M is raw video: generated, not
 * committed): a single smiling face, and a scene without a face.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../scripts/lib/decode-image.ts';
import { cropScale, toY4m } from '../scripts/lib/y4m.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const GENERATED = join(import.meta.dirname, '..', 'test-results', 'generated');
export const FACE_Y4M = join(GENERATED, 'face.y4m');
export const NO_FACE_Y4M = join(GENERATED, 'no-face.y4m');

export default function globalSetup(): void {
  mkdirSync(GENERATED, { recursive: true });
  const photo = decodeImage(readFileSync(join(FIXTURES, 'group-6.jpg')));
  // The second person from the left, smiling, alone in a 4:3 region (photo pixels, 1280 wide).
  writeFileSync(FACE_Y4M, toY4m(cropScale(photo, { x: 320, y: 175, width: 380, height: 285 }, 640, 480)));
  // Dresses and a sofa: no face anywhere.
  writeFileSync(NO_FACE_Y4M, toY4m(cropScale(photo, { x: 420, y: 720, width: 400, height: 300 }, 640, 480)));
}
