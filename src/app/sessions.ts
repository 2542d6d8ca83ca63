/**
 * Sessions: every camera recording and every video analysis, kept in one list (named, dated,
 * reopenable, deletable, exportable) that outlives the tab that made it and, through IndexedDB,
 * a reload. A new recording is a new session: nothing is ever overwritten. The WebM a user asked
 * for is kept with its session in memory only (no image or video is ever stored on disk), so it
 * survives tab switches but not a reload, and the list says so.
 *
 * The list comes from each kept session's small index (recordingStore.ts); the rows of a session
 * kept from an earlier visit are read only when it is opened or exported (`rows(id)`), and are not
 * held by the list: a month of daily recordings costs the start one small read.
 */
import type { RecordingMeta, RecordingRow } from './recording';
import type { SessionPersistence } from './recordingStore';

export interface Session {
  id: string;
  name: string;
  meta: RecordingMeta;
  /**
   * The rows, for a session made in this visit (a live recording appends to them); null for one
   * kept from an earlier visit: `SessionList.rows(id)` reads them when they are wanted.
   */
  rows: RecordingRow[] | null;
  rowCount: number;
  /** Distinct faces in the rows. */
  faceCount: number;
  /** Still being recorded (rows are being appended). */
  live: boolean;
  /** Came back from an earlier visit (IndexedDB). */
  restored: boolean;
  /** The video asked for with a camera recording (memory only). */
  webm?: Blob;
  /** Length, ms: the last row's time for a recording, the video's length for a video. */
  durationMs: number;
}

/** A session's moment, the one way the app writes it (its name and its line in the list): "Dec 7, 14:03:27". */
export function sessionTime(iso: string): string {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? iso : when.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function defaultName(meta: Pick<RecordingMeta, 'kind' | 'source' | 'startedAt'>): string {
  // Short enough for the side column, to the second: two recordings in one minute differ.
  const stamp = sessionTime(meta.startedAt);
  return meta.kind === 'camera' ? `Recording ${stamp}` : `${meta.source}, ${stamp}`;
}

/** `name`, or "name (2)", "name (3)"… when a session already has it. */
export function uniqueName(name: string, taken: readonly string[]): string {
  if (!taken.includes(name)) return name;
  for (let n = 2; ; n++) if (!taken.includes(`${name} (${n})`)) return `${name} (${n})`;
}

const lastTime = (rows: readonly RecordingRow[]) => rows[rows.length - 1]?.t ?? 0;
const faceCount = (rows: readonly RecordingRow[]) => new Set(rows.map((r) => r.face)).size;

export class SessionList {
  sessions: Session[] = [];
  private loaded: Promise<void> | null = null;
  private listeners = new Set<(s: Session[]) => void>();
  private seq = 0;
  /** The faces seen so far in each live recording (its face count, without a pass over its rows). */
  private readonly faces = new Map<string, Set<number>>();

  constructor(private readonly persist: SessionPersistence | null) {}

  subscribe(listener: (s: Session[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    this.sessions = [...this.sessions];
    for (const l of this.listeners) l(this.sessions);
  }

  /** The sessions kept from earlier visits, from their index (once; later calls wait for the same load). */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      const kept = (await this.persist?.list().catch(() => [])) ?? [];
      const known = new Set(this.sessions.map((s) => s.id));
      const restored = kept
        .filter((k) => !known.has(k.id) && k.rowCount > 0)
        .map((k): Session => ({
          id: k.id,
          name: k.name || defaultName(k.meta),
          meta: k.meta,
          rows: null,
          rowCount: k.rowCount,
          faceCount: k.faces.length,
          live: false,
          restored: true,
          durationMs: k.meta.kind === 'video' && k.meta.durationMs ? k.meta.durationMs : k.lastMs,
        }));
      if (!restored.length) return;
      this.sessions = [...this.sessions, ...restored].sort((a, b) => b.meta.startedAt.localeCompare(a.meta.startedAt));
      this.emit();
    })();
    return this.loaded;
  }

  /**
   * A session's rows: those in memory for a session of this visit, else read from the store (for
   * the caller to hold while it needs them: the list keeps only the index).
   */
  async rows(id: string): Promise<RecordingRow[]> {
    const s = this.get(id);
    if (!s) return [];
    if (s.rows) return s.rows;
    return (await this.persist?.rows(id)) ?? [];
  }

  newId(kind: RecordingMeta['kind']): string {
    return `${kind === 'camera' ? 'rec' : 'video'}-${Date.now()}-${++this.seq}`;
  }

  get(id: string): Session | undefined {
    return this.sessions.find((s) => s.id === id);
  }

  /** The newest session of a kind (the Record panel shows the last recording). */
  latest(kind: RecordingMeta['kind']): Session | undefined {
    return this.sessions.find((s) => s.meta.kind === kind);
  }

  /** Where sessions are kept (the recorder writes a recording's rows there as they come). */
  get persistence(): SessionPersistence | null {
    return this.persist;
  }

  /** A recording starts: listed at once, as live. */
  open(id: string, meta: RecordingMeta): void {
    const session: Session = {
      id,
      name: uniqueName(
        defaultName(meta),
        this.sessions.map((x) => x.name),
      ),
      meta,
      rows: [],
      rowCount: 0,
      faceCount: 0,
      live: true,
      restored: false,
      durationMs: 0,
    };
    this.faces.set(id, new Set());
    this.sessions = [session, ...this.sessions];
    this.emit();
  }

  /** More rows of a live recording (in memory; the recorder stores them). */
  addRows(id: string, rows: readonly RecordingRow[]): void {
    const s = this.get(id);
    if (!s?.rows || !rows.length) return;
    s.rows.push(...rows);
    s.rowCount = s.rows.length;
    const faces = this.faces.get(id) ?? new Set();
    for (const r of rows) faces.add(r.face);
    s.faceCount = faces.size;
    s.durationMs = lastTime(s.rows);
  }

  /** A recording ends (with the WebM when one was asked for). */
  finish(id: string, patch: { webm?: Blob | null; frameWidth?: number; frameHeight?: number } = {}): void {
    const s = this.get(id);
    if (!s) return;
    s.live = false;
    this.faces.delete(id);
    if (patch.webm) s.webm = patch.webm;
    if (patch.frameWidth) s.meta = { ...s.meta, frameWidth: patch.frameWidth, frameHeight: patch.frameHeight ?? s.meta.frameHeight };
    this.emit();
  }

  /** A finished analysis (a video file), saved whole. */
  async add(meta: RecordingMeta, rows: RecordingRow[], wanted = defaultName(meta)): Promise<Session> {
    const id = this.newId(meta.kind);
    const name = uniqueName(
      wanted,
      this.sessions.map((x) => x.name),
    );
    const session: Session = { id, name, meta, rows, rowCount: rows.length, faceCount: faceCount(rows), live: false, restored: false, durationMs: meta.durationMs ?? lastTime(rows) };
    this.sessions = [session, ...this.sessions];
    this.emit();
    try {
      await this.persist?.begin(id, meta, name);
      await this.persist?.append(id, 0, rows);
      await this.persist?.finish(id);
    } catch {
      /* storage full or blocked: the session stays in this visit's list */
    }
    return session;
  }

  async rename(id: string, name: string): Promise<void> {
    const s = this.get(id);
    const clean = name.trim().slice(0, 120);
    if (!s || !clean || clean === s.name) return;
    s.name = clean;
    this.emit();
    await this.persist?.rename(id, clean).catch(() => undefined);
  }

  async remove(id: string): Promise<void> {
    if (!this.get(id)) return;
    this.sessions = this.sessions.filter((s) => s.id !== id);
    this.faces.delete(id);
    this.emit();
    await this.persist?.remove(id).catch(() => undefined);
  }
}
