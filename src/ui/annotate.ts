/** Draw a photo and its faces' boxes and panels into a canvas (the photo view, the PNG and ZIP exports). */
import type { FaceResult } from '../engine';
import { drawFaces } from './overlay/draw';
import { containTransform } from './overlay/layout';

export function renderAnnotated(
  canvas: HTMLCanvasElement,
  image: ImageBitmap,
  width: number,
  height: number,
  faces: FaceResult[],
  o: { unit: number; highlight: number | null; minScore: number },
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  ctx.drawImage(image, 0, 0, width, height);
  drawFaces(ctx, faces, { transform: containTransform(width, height, width, height), viewWidth: width, viewHeight: height, ...o });
}

/** The annotated photo as JPEG bytes, at the photo's size, panels sized for the photo. */
export async function annotatedJpeg(image: ImageBitmap, faces: FaceResult[], minScore: number): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  renderAnnotated(canvas, image, image.width, image.height, faces, { unit: Math.max(1, Math.max(image.width, image.height) / 1000), highlight: null, minScore });
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  canvas.width = canvas.height = 0;
  if (!blob) throw new Error('the annotated photo could not be encoded');
  return new Uint8Array(await blob.arrayBuffer());
}
