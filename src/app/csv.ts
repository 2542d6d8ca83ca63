/**
 * The one CSV schema of every file the app writes (a photo, a batch, a camera recording, a video
 * file): one row per face, the same columns in the same order, documented in docs/files.md (
 * csv.test.ts checks the two agree). RFC 4180 with CRLF line ends; text a spreadsheet would read
 * as a formula is neutralised. Pure.
 */
import { EMOTIONS, valence } from '../engine';

export const CSV_COLUMNS = ['source', 'time_ms', 'face', 'x', 'y', 'width', 'height', 'detection_score', 'top_emotion', ...EMOTIONS, 'valence', 'found_by', 'reading'] as const;

/** How a face was found: by the face detector, or the whole photo read as one face on request. */
export type FoundBy = 'detector' | 'whole_photo';

/** One face of one frame or photo, as a CSV row needs it. */
export interface CsvFace {
  /** The file's name, or "camera". */
  source: string;
  /** ms since Record (camera) or video time; null for a photo (the cell is empty). */
  timeMs: number | null;
  face: number;
  box: { x: number; y: number; width: number; height: number };
  /** The face detector's confidence, 0-1 (null when unknown: rows kept from an older version). */
  score: number | null;
  top: string;
  probs: ArrayLike<number>;
  /** Already computed (a recording's row); otherwise computed from `probs`. */
  valence?: number;
  /** Default 'detector'. */
  foundBy?: FoundBy;
  /** How the probabilities read (the camera's resting-face setting); absent: as the model read them. */
  reading?: 'relative' | 'learning';
}

/** The `reading` cell: as the model read the face, against its resting face, or while that was learnt. */
const READING_CELL = { relative: 'vs_resting_face', learning: 'learning_resting_face' } as const;

const r = (v: number, digits = 4) => Number(v.toFixed(digits));

/**
 * One CSV cell. Text (file names, labels) that a spreadsheet would read as a formula, i.e. starting
 * with = + - @ tab or CR, gets a leading ' so it stays text (OWASP, "CSV Injection"); numbers are
 * written as numbers, so our own negative coordinates stay numeric. Then RFC 4180: a cell with a
 * quote, comma, CR or LF is quoted, inner quotes doubled.
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (no line end) from cells, each written as csvCell does. */
export function csvRow(cells: readonly (string | number | null)[]): string {
  return cells.map(csvCell).join(',');
}

export function csvFaceRow(f: CsvFace): string {
  const probs = EMOTIONS.map((_, i) => r(f.probs[i] ?? 0));
  return csvRow([
    f.source,
    f.timeMs === null ? null : r(Math.max(0, f.timeMs), 1),
    f.face,
    r(f.box.x, 1),
    r(f.box.y, 1),
    r(f.box.width, 1),
    r(f.box.height, 1),
    f.score === null || f.foundBy === 'whole_photo' ? null : r(f.score),
    f.top,
    ...probs,
    r(f.valence ?? valence(f.probs), 4),
    f.foundBy ?? 'detector',
    f.reading ? READING_CELL[f.reading] : 'as_read',
  ]);
}

/** The header and one row per face, every line ended by CRLF. */
export function toCsv(faces: Iterable<CsvFace>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const f of faces) lines.push(csvFaceRow(f));
  return lines.join('\r\n') + '\r\n';
}
