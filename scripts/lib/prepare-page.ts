/**
 * The page side of `npm run prepare-data`, served by the Vite dev server and imported in a
 * headless Chromium page: each image goes through the app's own detector, its tight-crop retry
 * (engine/padding.ts), its square crop (engine/crop.ts squareCrop) and its antialiased gray crop
 * (cropFaces, on TF.js's CPU backend), so a training face is what the app would feed the model.
 * A colour crop of the same square (112 px, never turned) is kept for the teachers that want colour.
 * With `align`, each gray crop is turned so the eyes are level (engine/align.ts, the app's own code).
 */
import * as tf from '@tensorflow/tfjs';
import { eyeRoll } from '../../src/engine/align';
import { cropFaces, idealSquare, rolledSquare, squareCrop } from '../../src/engine/crop';
import { engineAssets } from '../../src/engine/assets';
import { FaceDetectorService } from '../../src/engine/detector';
import { drawPadded, unpadBox } from '../../src/engine/padding';
import type { Box } from '../../src/engine/box';

export const COLOUR_SIZE = 112;

export interface PreparedFace {
  /** 'found' on the image as is, 'padded' only on the padded retry, 'missed' by both. */
  status: 'found' | 'padded' | 'missed';
  faces: number;
  score: number;
  /** The detector's box and the square crop, in the image's own pixels (a padded crop may reach past it). */
  box: Box | null;
  crop: Box | null;
  width: number;
  height: number;
  /** The roll the gray crop was turned by (radians; 0 unless aligned). */
  roll: number;
  /** 64x64 gray, row-major, base64 (empty when missed). */
  gray: string;
  /** 112x112 RGB, row-major, base64 (empty when missed). */
  rgb: string;
}

let detector: FaceDetectorService | null = null;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function colourCrop(source: CanvasImageSource, crop: Box): Uint8Array {
  const canvas = new OffscreenCanvas(COLOUR_SIZE, COLOUR_SIZE);
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, crop.x, crop.y, crop.width, crop.height, 0, 0, COLOUR_SIZE, COLOUR_SIZE);
  const rgba = ctx.getImageData(0, 0, COLOUR_SIZE, COLOUR_SIZE).data;
  const rgb = new Uint8Array(COLOUR_SIZE * COLOUR_SIZE * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i] as number;
    rgb[j + 1] = rgba[i + 1] as number;
    rgb[j + 2] = rgba[i + 2] as number;
  }
  return rgb;
}

/** The largest face of the most confident ones (the sets hold one face an image). */
function pick<T extends { score: number; box: Box }>(faces: T[]): T | undefined {
  const top = Math.max(...faces.map((f) => f.score));
  return faces.filter((f) => f.score >= top - 0.1).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
}

export async function prepareFaces(images: { b64: string; type: string }[], padFraction?: number, align = false): Promise<PreparedFace[]> {
  if (!detector) {
    await tf.setBackend('cpu');
    detector = await FaceDetectorService.create(engineAssets('/').detector); // served at the dev server's root
  }
  const out: PreparedFace[] = [];
  for (const { b64, type } of images) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type }));
    const { width, height } = bitmap;
    let status: PreparedFace['status'] = 'found';
    let source: ImageBitmap | OffscreenCanvas = bitmap;
    let faces = detector.detectImage(bitmap);
    let shift = 0;
    if (faces.length === 0) {
      const { canvas, padding } = drawPadded(bitmap, width, height, padFraction);
      faces = detector.detectImage(canvas);
      source = canvas;
      shift = padding.pad;
      status = faces.length ? 'padded' : 'missed';
    }
    const face = pick(faces);
    if (!face) {
      out.push({ status: 'missed', faces: 0, score: 0, box: null, crop: null, width, height, roll: 0, gray: '', rgb: '' });
      bitmap.close();
      continue;
    }
    let crop = squareCrop(face.box, (source as { width: number }).width, (source as { height: number }).height);
    const ideal = idealSquare(face.box);
    if (shift === 0 && (crop.width < ideal.width - 0.5 || Math.abs(crop.x - ideal.x) > 0.5 || Math.abs(crop.y - ideal.y) > 0.5)) {
      // The calibrated square reaches past a tight photo: cut it from the edge-padded copy, so the
      // face is framed as FER2013 frames it (and as a face in a camera scene is), not zoomed in.
      const { canvas, padding } = drawPadded(bitmap, width, height, padFraction);
      source = canvas;
      shift = padding.pad;
      face.box = { ...face.box, x: face.box.x + shift, y: face.box.y + shift };
      if (face.eyes) face.eyes = { a: { x: face.eyes.a.x + shift, y: face.eyes.a.y + shift }, b: { x: face.eyes.b.x + shift, y: face.eyes.b.y + shift } };
      crop = squareCrop(face.box, canvas.width, canvas.height);
    }
    const roll = align ? eyeRoll(face.eyes) : 0;
    const grayCrop = rolledSquare(face.box, roll, (source as { width: number }).width, (source as { height: number }).height); // = crop at roll 0
    const gray = tf.tidy(() => {
      const pixels = tf.browser.fromPixels(source as unknown as HTMLCanvasElement);
      return cropFaces(pixels, [grayCrop], undefined, [roll]).mul(255).round().clipByValue(0, 255).toInt();
    });
    const grayBytes = new Uint8Array(await gray.data());
    gray.dispose();
    out.push({
      status,
      faces: faces.length,
      score: face.score,
      box: unpadBox(face.box, shift),
      crop: unpadBox(grayCrop, shift),
      width,
      height,
      roll,
      gray: toBase64(grayBytes),
      rgb: toBase64(colourCrop(source, crop)),
    });
    bitmap.close();
  }
  return out;
}
