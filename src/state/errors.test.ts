import { describe, expect, it } from 'vitest';
import { cameraError, errors } from './errors';

describe('errors', () => {
  it('maps getUserMedia failures to user-facing errors with a way forward', () => {
    expect(cameraError(new DOMException('denied', 'NotAllowedError')).code).toBe('camera-denied');
    expect(cameraError(new DOMException('none', 'NotFoundError')).code).toBe('camera-missing');
    expect(cameraError(new DOMException('in use', 'NotReadableError')).code).toBe('camera-busy');
    expect(cameraError(new Error('weird')).message).toContain('weird');
  });

  it('every error says what to do next', () => {
    for (const make of Object.values(errors)) {
      const e = (make as (...a: string[]) => { message: string; action: string })('photo.jpg', 'a reason given by the browser');
      expect(e.message.length).toBeGreaterThan(5);
      expect(e.action.length).toBeGreaterThan(10);
    }
  });
});
