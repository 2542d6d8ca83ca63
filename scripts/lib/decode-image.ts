/**
 * Decode JPEG / PNG files in Node (pure JS: jpeg-js, pngjs) into RGB pixels for tf.tensor3d.
 * The browser decodes with its own codecs; for FER2013's 48x48 JPEGs the two agree to a grey level.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major RGB. */
  data: Uint8Array;
}

export function decodeImage(bytes: Uint8Array, name = 'image'): RgbImage {
  let rgba: { width: number; height: number; data: Uint8Array };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  } else if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const png = PNG.sync.read(Buffer.from(bytes));
    rgba = { width: png.width, height: png.height, data: new Uint8Array(png.data) };
  } else {
    throw new Error(`${name} is not a JPEG or PNG file`);
  }
  const n = rgba.width * rgba.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = rgba.data[i * 4] as number;
    data[i * 3 + 1] = rgba.data[i * 4 + 1] as number;
    data[i * 3 + 2] = rgba.data[i * 4 + 2] as number;
  }
  return { width: rgba.width, height: rgba.height, data };
}
