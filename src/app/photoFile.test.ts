import { describe, expect, it } from 'vitest';
import type { AppException } from '../state/errors';
import { checkHeader, checkPhotoFile, workingSize } from './photoFile';

const code = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as AppException).error.code;
  }
};

describe('photo checks', () => {
  it('accepts images, rejects other files and oversized ones with their own message', () => {
    expect(code(() => checkPhotoFile({ name: 'a.jpg', type: 'image/jpeg', size: 1000 }))).toBe('ok');
    expect(code(() => checkPhotoFile({ name: 'a.heic', type: '', size: 1000 }))).toBe('ok');
    expect(code(() => checkPhotoFile({ name: 'notes.pdf', type: 'application/pdf', size: 1000 }))).toBe('file-not-image');
    expect(code(() => checkPhotoFile({ name: 'logo.svg', type: 'image/svg+xml', size: 1000 }))).toBe('file-not-image');
    expect(code(() => checkPhotoFile({ name: 'huge.png', type: 'image/png', size: 500e6 }))).toBe('file-too-large');
    expect(code(() => checkPhotoFile({ name: 'zero.jpg', type: 'image/jpeg', size: 0 }))).toBe('file-empty');
  });

  it('refuses a too-large image from its header alone, before decoding', () => {
    const png = (w: number, h: number) => {
      const b = new Uint8Array(33);
      b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
      new DataView(b.buffer).setUint32(16, w);
      new DataView(b.buffer).setUint32(20, h);
      return b;
    };
    expect(code(() => checkHeader('big.png', png(30000, 30000)))).toBe('file-too-large');
    expect(code(() => checkHeader('ok.png', png(4000, 3000)))).toBe('ok');
  });

  it('keeps photos up to 4096 px and scales bigger ones, keeping the aspect', () => {
    expect(workingSize(4032, 3024)).toEqual({ width: 4032, height: 3024 });
    expect(workingSize(8000, 6000)).toEqual({ width: 4096, height: 3072 });
  });
});
