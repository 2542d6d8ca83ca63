/**
 * Photo input, on the page: check and decode a file (EXIF orientation honoured) and keep it at up
 * to MAX_WORKING_SIDE px for crops; the bitmap then goes to the engine (analyse, 'photo').
 */
import { AppException, errors, MAX_FILE_BYTES, MAX_PIXELS } from '../state/errors';
import { readImageHeader } from './imageHeader';

/** Crops are cut from the photo at up to this many pixels on its long side (a 12 MP phone photo fits whole). */
export const MAX_WORKING_SIDE = 4096;
const IMAGE_NAME = /\.(jpe?g|png|webp|gif|bmp|avif|heic|heif)$/i;

export interface LoadedPhoto {
  name: string;
  bitmap: ImageBitmap;
  /** Size of `bitmap` (the working copy). */
  width: number;
  height: number;
  /** Size of the file's image, after EXIF orientation. */
  originalWidth: number;
  originalHeight: number;
}

export function checkPhotoFile(file: { name: string; type: string; size: number }): void {
  if (file.size === 0) throw new AppException(errors.emptyFile(file.name));
  const looksLikeImage = file.type ? file.type.startsWith('image/') && file.type !== 'image/svg+xml' : IMAGE_NAME.test(file.name);
  if (!looksLikeImage) throw new AppException(errors.notImage(file.name, file.type));
  if (file.size > MAX_FILE_BYTES) throw new AppException(errors.tooLarge(file.name, `${(file.size / 1024 / 1024).toFixed(1)} MB`));
}

export function workingSize(width: number, height: number, maxSide = MAX_WORKING_SIDE): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Refuse, from the header alone, an image too large to decode (before the browser tries). */
export function checkHeader(name: string, head: Uint8Array): void {
  const h = readImageHeader(head);
  if (h.width !== undefined && h.height !== undefined && h.width * h.height > MAX_PIXELS) {
    throw new AppException(errors.tooLarge(name, `${h.width} x ${h.height} pixels, ${((h.width * h.height) / 1e6).toFixed(0)} megapixels`));
  }
}

const HEIC_NAME = /\.(heic|heif)$/i;

export async function loadPhoto(file: File): Promise<LoadedPhoto> {
  checkPhotoFile(file);
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  checkHeader(file.name, head);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    const heic = readImageHeader(head).format === 'heic' || HEIC_NAME.test(file.name) || /image\/hei[cf]/.test(file.type);
    throw new AppException(heic ? errors.heic(file.name) : errors.corrupt(file.name));
  }
  const { width: ow, height: oh } = bitmap;
  if (ow * oh > MAX_PIXELS) {
    bitmap.close();
    throw new AppException(errors.tooLarge(file.name, `${((ow * oh) / 1e6).toFixed(0)} megapixels`));
  }
  const size = workingSize(ow, oh);
  if (size.width !== ow) {
    const scaled = await createImageBitmap(bitmap, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' });
    bitmap.close();
    bitmap = scaled;
  }
  return { name: file.name, bitmap, width: bitmap.width, height: bitmap.height, originalWidth: ow, originalHeight: oh };
}
