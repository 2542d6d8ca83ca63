import { describe, expect, it } from 'vitest';
import { labelAgeNote, OLD_LABEL_MS, readingNote } from './draw';

describe('a camera label says when it is old', () => {
  it('says nothing for a fresh result, and its age for one a second old or more', () => {
    expect(labelAgeNote(undefined)).toBeNull();
    expect(labelAgeNote(300)).toBeNull();
    expect(labelAgeNote(OLD_LABEL_MS - 1)).toBeNull();
    expect(labelAgeNote(1400)).toBe('1.4 s ago');
    expect(labelAgeNote(2600)).toBe('2.6 s ago');
  });
});

describe('readingNote', () => {
  it('says when a face is read against its resting face, or while that is learnt, and nothing otherwise', () => {
    expect(readingNote({})).toBeNull();
    expect(readingNote({ reading: 'relative' })).toBe('vs. rest');
    expect(readingNote({ reading: 'learning' })).toBe('learning rest');
  });
});
