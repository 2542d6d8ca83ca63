import { describe, expect, it } from 'vitest';
import { labelAgeNote, OLD_LABEL_MS } from './draw';

describe('a camera label says when it is old', () => {
  it('says nothing for a fresh result, and its age for one a second old or more', () => {
    expect(labelAgeNote(undefined)).toBeNull();
    expect(labelAgeNote(300)).toBeNull();
    expect(labelAgeNote(OLD_LABEL_MS - 1)).toBeNull();
    expect(labelAgeNote(1400)).toBe('1.4 s ago');
    expect(labelAgeNote(2600)).toBe('2.6 s ago');
  });
});
