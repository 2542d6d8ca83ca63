import { describe, expect, it } from 'vitest';
import { errorMessage } from './errorMessage';

describe('errorMessage', () => {
  it('turns anything thrown into one readable line: no "[object Event]", no stack trace', () => {
    const event = new Event('error');
    expect(errorMessage(event)).toBe('a file failed to load (error event)');
    expect(errorMessage(new Error('Aborted(RuntimeError: unreachable)\n    at wasm://wasm/abc:1\n    at foo (x.js:1:2)'))).toBe('Aborted(RuntimeError: unreachable)');
    expect(errorMessage('plain words')).toBe('plain words');
    expect(errorMessage({ message: 'from a worker' })).toBe('from a worker');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(new Error('x'.repeat(500))).length).toBeLessThanOrEqual(300);
  });
});
