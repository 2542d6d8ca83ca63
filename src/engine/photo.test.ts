import { describe, expect, it } from 'vitest';
import { AppException } from './errors';
import { checkPhotoFile, workingSize } from './photo';

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
  });

  it('keeps photos up to 4096 px and scales bigger ones, keeping the aspect', () => {
    expect(workingSize(4032, 3024)).toEqual({ width: 4032, height: 3024 });
    expect(workingSize(8000, 6000)).toEqual({ width: 4096, height: 3072 });
  });
});
