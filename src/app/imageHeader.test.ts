import { describe, expect, it } from 'vitest';
import { readImageHeader } from './imageHeader';

const bytes = (...parts: (number[] | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const u32be = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const u16le = (v: number) => [v & 255, (v >>> 8) & 255];
const u16be = (v: number) => [(v >>> 8) & 255, v & 255];

describe('readImageHeader', () => {
  it('reads PNG, GIF and BMP sizes', () => {
    expect(readImageHeader(bytes([0x89], 'PNG\r\n\x1a\n', u32be(13), 'IHDR', u32be(30000), u32be(20000), [8, 0, 0, 0, 0]))).toEqual({ format: 'png', width: 30000, height: 20000 });
    expect(readImageHeader(bytes('GIF89a', u16le(640), u16le(480), [0, 0, 0]))).toEqual({ format: 'gif', width: 640, height: 480 });
    const bmp = new Uint8Array(30);
    bmp.set(bytes('BM'));
    new DataView(bmp.buffer).setInt32(18, 800, true);
    new DataView(bmp.buffer).setInt32(22, -600, true); // top-down BMP: negative height
    expect(readImageHeader(bmp)).toEqual({ format: 'bmp', width: 800, height: 600 });
  });

  it('walks JPEG markers past APP segments to the frame header', () => {
    const app1 = [0xff, 0xe1, ...u16be(10), 0, 0, 0, 0, 0, 0, 0, 0];
    const sof0 = [0xff, 0xc0, ...u16be(17), 8, ...u16be(3024), ...u16be(4032), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    expect(readImageHeader(bytes([0xff, 0xd8], app1, sof0))).toEqual({ format: 'jpeg', width: 4032, height: 3024 });
    // DHT (C4) is not a frame header
    const dht = [0xff, 0xc4, ...u16be(4), 0, 0];
    expect(readImageHeader(bytes([0xff, 0xd8], dht, sof0)).width).toBe(4032);
  });

  it('reads WebP (lossy, lossless, extended) and names HEIC and AVIF by brand', () => {
    const vp8x = new Uint8Array(30);
    vp8x.set(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X'));
    vp8x.set([1999 & 255, 1999 >> 8, 0], 24); // width - 1, 24 bits little-endian
    vp8x.set([999 & 255, 999 >> 8, 0], 27);
    expect(readImageHeader(vp8x)).toMatchObject({ format: 'webp', width: 2000, height: 1000 });
    expect(readImageHeader(bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0], 'mif1heic')).format).toBe('heic');
    expect(readImageHeader(bytes([0, 0, 0, 24], 'ftypavif', [0, 0, 0, 0], 'mif1avif')).format).toBe('avif');
  });

  it('says unknown for anything else, including truncated files', () => {
    expect(readImageHeader(bytes('hello world'))).toEqual({ format: 'unknown' });
    expect(readImageHeader(new Uint8Array(0))).toEqual({ format: 'unknown' });
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff]))).toEqual({ format: 'jpeg' });
  });
});
