import { describe, expect, it } from 'vitest';
import { cameraError, errorMessage, errors } from './errors';

describe('errors', () => {
  it('maps getUserMedia failures to user-facing errors with a way forward', () => {
    expect(cameraError(new DOMException('denied', 'NotAllowedError')).code).toBe('camera-denied');
    expect(cameraError(new DOMException('none', 'NotFoundError')).code).toBe('camera-missing');
    expect(cameraError(new DOMException('in use', 'NotReadableError')).code).toBe('camera-busy');
    expect(cameraError(new Error('weird')).message).toContain('weird');
  });

  it('turns anything thrown into one readable line: no "[object Event]", no stack trace', () => {
    const event = new Event('error');
    expect(errorMessage(event)).toBe('a file failed to load (error event)');
    expect(errorMessage(new Error('Aborted(RuntimeError: unreachable)\n    at wasm://wasm/abc:1\n    at foo (x.js:1:2)'))).toBe('Aborted(RuntimeError: unreachable)');
    expect(errorMessage('plain words')).toBe('plain words');
    expect(errorMessage({ message: 'from a worker' })).toBe('from a worker');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(new Error('x'.repeat(500))).length).toBeLessThanOrEqual(300);
  });

  it('every error says what to do next', () => {
    for (const make of Object.values(errors)) {
      const e = (make as (...a: string[]) => { message: string; action: string })('photo.jpg', 'a reason given by the browser');
      expect(e.message.length).toBeGreaterThan(5);
      expect(e.action.length).toBeGreaterThan(10);
    }
  });
});
