/**
 * MediaRecorder writes a WebM without a duration (it streams: the length is not known when the
 * header is written), so players cannot show its length or seek in it. This writes the Duration
 * element into the Segment's Info, the way a muxer that knew the length would have. Pure, on the
 * bytes. Matroska/EBML: element = ID (a vint keeping its marker) + size (a vint) + data; Duration
 * (0x4489) is a float in units of TimecodeScale (default 1 ms).
 */
const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const CLUSTER = 0x1f43b675;
const DURATION = 0x4489;

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

function vint(b: Uint8Array, pos: number, keepMarker: boolean): Vint | null {
  const first = b[pos];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23; // 1..8 for a non-zero byte
  if (pos + length > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + (b[pos + i] as number);
    if (b[pos + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/** A size as a vint of `length` bytes (8 unless a length is given). */
function sizeVint(value: number, length = 8): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i > 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0] = (0x100 >> length) | v;
  return out;
}

interface Element {
  id: number;
  start: number;
  sizeAt: number;
  sizeLength: number;
  dataAt: number;
  size: number;
  unknown: boolean;
}

function element(b: Uint8Array, pos: number): Element | null {
  const id = vint(b, pos, true);
  if (!id) return null;
  const size = vint(b, pos + id.length, false);
  if (!size) return null;
  return { id: id.value, start: pos, sizeAt: pos + id.length, sizeLength: size.length, dataAt: pos + id.length + size.length, size: size.value, unknown: size.unknown };
}

function findInfo(b: Uint8Array): { segment: Element; info: Element } | null {
  const head = element(b, 0);
  if (!head || head.id !== EBML) return null;
  const segment = element(b, head.dataAt + head.size);
  if (!segment || segment.id !== SEGMENT) return null;
  for (let pos = segment.dataAt; pos < b.length;) {
    const el = element(b, pos);
    if (!el || el.unknown || el.id === CLUSTER) return null;
    if (el.id === INFO) return { segment, info: el };
    pos = el.dataAt + el.size;
  }
  return null;
}

/** The Duration of a WebM's Info, in its timecode units (ms by default); null when it has none. */
export function readDuration(b: Uint8Array): number | null {
  const found = findInfo(b);
  if (!found) return null;
  const { info } = found;
  for (let pos = info.dataAt; pos < info.dataAt + info.size;) {
    const el = element(b, pos);
    if (!el) return null;
    if (el.id === DURATION) {
      const view = new DataView(b.buffer, b.byteOffset + el.dataAt, el.size);
      return el.size === 8 ? view.getFloat64(0) : el.size === 4 ? view.getFloat32(0) : null;
    }
    pos = el.dataAt + el.size;
  }
  return null;
}

/** The WebM with its Duration set to `durationMs` (the bytes unchanged when they are not a WebM
 *  this understands: better a file without a duration than a broken one). */
export function withDuration(b: Uint8Array, durationMs: number): Uint8Array {
  const found = findInfo(b);
  if (!found || !(durationMs > 0)) return b;
  const { segment, info } = found;
  // Already there (another muxer): overwrite the value in place.
  for (let pos = info.dataAt; pos < info.dataAt + info.size;) {
    const el = element(b, pos);
    if (!el) return b;
    if (el.id === DURATION && el.size === 8) {
      const out = b.slice();
      new DataView(out.buffer).setFloat64(el.dataAt, durationMs);
      return out;
    }
    pos = el.dataAt + el.size;
  }
  const duration = new Uint8Array(11);
  duration.set([0x44, 0x89, 0x88]);
  new DataView(duration.buffer).setFloat64(3, durationMs);
  const infoSize = sizeVint(info.size + duration.length);
  const grow = infoSize.length - info.sizeLength + duration.length;
  const infoEnd = info.dataAt + info.size;
  const out = new Uint8Array(b.length + grow);
  out.set(b.subarray(0, info.sizeAt), 0);
  out.set(infoSize, info.sizeAt);
  out.set(b.subarray(info.dataAt, infoEnd), info.sizeAt + infoSize.length);
  out.set(duration, info.sizeAt + infoSize.length + info.size);
  out.set(b.subarray(infoEnd), infoEnd + grow);
  // A Segment of known size grows by as much (MediaRecorder's is "unknown": nothing to do).
  if (!segment.unknown) {
    if (segment.sizeLength < 8 && segment.size + grow >= 2 ** (7 * segment.sizeLength) - 1) return b;
    out.set(sizeVint(segment.size + grow, segment.sizeLength), segment.sizeAt);
  }
  return out;
}
