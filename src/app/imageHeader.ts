/**
 * An image's format and pixel size read from its first bytes, before anything is decoded: a
 * 30000x30000 PNG is refused as too large in microseconds instead of failing as "damaged" after the
 * browser tried to allocate 3.6 GB. Pure; covers PNG, JPEG, GIF, WebP, BMP; HEIC/AVIF are named
 * from their ISO-BMFF brand (their size sits deeper and is left to the decoder).
 */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'heic' | 'avif' | 'unknown';

export interface ImageHeader {
  format: ImageFormat;
  /** Pixel size, when the header says it. */
  width?: number;
  height?: number;
}

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  if (n >= 24 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG' && ascii(bytes, 12, 4) === 'IHDR') {
    return { format: 'png', width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (n >= 10 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) {
    return { format: 'gif', width: v.getUint16(6, true), height: v.getUint16(8, true) };
  }
  if (n >= 26 && ascii(bytes, 0, 2) === 'BM') {
    return { format: 'bmp', width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)) };
  }
  if (n >= 30 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    const chunk = ascii(bytes, 12, 4);
    const u24 = (at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16);
    if (chunk === 'VP8X') return { format: 'webp', width: 1 + u24(24), height: 1 + u24(27) };
    if (chunk === 'VP8L') {
      const bits = v.getUint32(21, true);
      return { format: 'webp', width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    if (chunk === 'VP8 ') return { format: 'webp', width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
    return { format: 'webp' };
  }
  if (n >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the JPEG markers to the first start-of-frame (SOF0-15 except DHT/JPG/DAC).
    let i = 2;
    while (i + 9 < n) {
      if (bytes[i] !== 0xff) return { format: 'jpeg' };
      const marker = bytes[i + 1] ?? 0;
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2;
        continue;
      }
      const length = v.getUint16(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'jpeg', height: v.getUint16(i + 5), width: v.getUint16(i + 7) };
      }
      if (length < 2) return { format: 'jpeg' };
      i += 2 + length;
    }
    return { format: 'jpeg' };
  }
  if (n >= 12 && ascii(bytes, 4, 4) === 'ftyp') {
    const brands = ascii(bytes, 8, Math.min(n - 8, 32));
    if (/avif|avis/.test(brands)) return { format: 'avif' };
    if (/heic|heix|hevc|heim|heis|mif1|msf1/.test(brands)) return { format: 'heic' };
  }
  return { format: 'unknown' };
}
