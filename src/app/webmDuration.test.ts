import { describe, expect, it } from 'vitest';
import { readDuration, withDuration } from './webmDuration';

/** A minimal WebM as MediaRecorder lays it out: EBML header, a Segment of unknown size, Info
 *  without Duration (TimecodeScale 1 ms, an app name), Tracks, then a Cluster. */
function recorderWebm(segmentSize: number[] = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]): Uint8Array {
  const info = [0x2a, 0xd7, 0xb1, 0x83, 0x0f, 0x42, 0x40, 0x4d, 0x80, 0x84, 0x43, 0x68, 0x72, 0x6f];
  const tracks = [0x16, 0x54, 0xae, 0x6b, 0x82, 0xec, 0x80];
  const cluster = [0x1f, 0x43, 0xb6, 0x75, 0x84, 0xe7, 0x81, 0x00, 0xa3];
  return Uint8Array.from([
    0x1a,
    0x45,
    0xdf,
    0xa3,
    0x84,
    0x42,
    0x82,
    0x81,
    0x77, // EBML header: DocType "w"
    0x18,
    0x53,
    0x80,
    0x67,
    ...segmentSize,
    0x15,
    0x49,
    0xa9,
    0x66,
    0x80 | info.length,
    ...info,
    ...tracks,
    ...cluster,
  ]);
}

describe('WebM duration', () => {
  it('MediaRecorder-like output has none; after withDuration players read the length', () => {
    const raw = recorderWebm();
    expect(readDuration(raw)).toBeNull();
    const fixed = withDuration(raw, 12_345.5);
    expect(readDuration(fixed)).toBe(12_345.5);
    // Everything after Info is unchanged, byte for byte.
    expect(Array.from(fixed.subarray(fixed.length - 16))).toEqual(Array.from(raw.subarray(raw.length - 16)));
  });

  it('a Segment of known size grows with Info; a second call overwrites the value', () => {
    const raw = recorderWebm([0x01, 0, 0, 0, 0, 0, 0, 14 + 5 + 7 + 9]);
    const fixed = withDuration(raw, 2000);
    expect(readDuration(fixed)).toBe(2000);
    // The Segment's size: the 8 bytes after its ID, less the vint's length marker (0x01 first).
    const segSize = Number(new DataView(fixed.buffer).getBigUint64(13) - 2n ** 56n);
    expect(segSize).toBe(14 + 5 + 7 + 9 + (fixed.length - raw.length));
    expect(readDuration(withDuration(fixed, 3000))).toBe(3000);
    expect(withDuration(fixed, 3000).length).toBe(fixed.length);
  });

  it('leaves bytes it does not understand alone', () => {
    const junk = Uint8Array.from([1, 2, 3, 4]);
    expect(withDuration(junk, 1000)).toBe(junk);
  });
});
