/**
 * Sessions (camera recordings and video analyses) kept in IndexedDB, so a reload (or a crash)
 * loses nothing: a recording's rows are appended in batches about once a second while it is made;
 * a video analysis is saved when it ends. Every session is kept until the user deletes it: a new
 * recording never replaces an older one. Numbers only: no image or video is ever stored.
 *
 * Two object stores: `recordings`, one small entry per session (its index: name, meta, how many
 * rows, which faces, the last row's time), which is all the session list reads at start; and
 * `batches`, the rows, keyed [id, seq], read only when a session is opened or exported. Every
 * write that touches both (append, remove) is one transaction, so the index always counts the
 * rows that are there. Version 1 (app 0.2) had no counts: the upgrade to 2 writes them, once.
 */
import type { RecordingMeta, RecordingRow } from './recording';

const DB = 'resemote';
const VERSION = 2;

/** What the session list shows of a kept session, without its rows. */
export interface SessionIndex {
  id: string;
  /** What the user calls it (a default from the date or the file name until renamed). */
  name?: string;
  meta: RecordingMeta;
  finished: boolean;
  /** Rows kept. */
  rowCount: number;
  /** The ids of the faces in those rows, ascending. */
  faces: number[];
  /** The last row's time, ms (0 without rows). */
  lastMs: number;
}

/** What the session list needs of a store (IndexedDB here, memory in tests). */
export interface SessionPersistence {
  begin(id: string, meta: RecordingMeta, name: string): Promise<void>;
  append(id: string, seq: number, rows: RecordingRow[]): Promise<void>;
  finish(id: string): Promise<void>;
  /** Every kept session's index, newest first: no rows are read. */
  list(): Promise<SessionIndex[]>;
  /** One session's rows, in the order they were appended. */
  rows(id: string): Promise<RecordingRow[]>;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
}

type Counts = Pick<SessionIndex, 'rowCount' | 'faces' | 'lastMs'>;
const NO_ROWS: Counts = { rowCount: 0, faces: [], lastMs: 0 };

/**
 * The counts after `rows` were added to a session whose counts were `prev`; `replaced` is a batch
 * the new one overwrites (the same [id, seq] written again), whose rows are no longer counted.
 */
export function countRows(prev: Counts, rows: readonly RecordingRow[], replaced: readonly RecordingRow[] = []): Counts {
  const faces = new Set(prev.faces);
  let lastMs = prev.lastMs;
  for (const r of rows) {
    faces.add(r.face);
    lastMs = Math.max(lastMs, r.t);
  }
  return { rowCount: prev.rowCount - replaced.length + rows.length, faces: [...faces].sort((a, b) => a - b), lastMs };
}

const newestFirst = (a: { meta: RecordingMeta }, b: { meta: RecordingMeta }) => b.meta.startedAt.localeCompare(a.meta.startedAt);

interface Batch {
  id: string;
  seq: number;
  rows: RecordingRow[];
}

/** Version 1 → 2: every session's counts, from its rows (one pass over them, a batch at a time). */
function writeIndex(tx: IDBTransaction): void {
  const counts = new Map<string, Counts>();
  const batches = tx.objectStore('batches').openCursor();
  batches.onsuccess = () => {
    const cursor = batches.result;
    if (cursor) {
      const b = cursor.value as Batch;
      counts.set(b.id, countRows(counts.get(b.id) ?? NO_ROWS, b.rows));
      cursor.continue();
      return;
    }
    const recordings = tx.objectStore('recordings').openCursor();
    recordings.onsuccess = () => {
      const rec = recordings.result;
      if (!rec) return;
      const entry = rec.value as Omit<SessionIndex, keyof Counts>;
      rec.update({ ...entry, ...(counts.get(entry.id) ?? NO_ROWS) });
      rec.continue();
    };
  };
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = (e) => {
      const db = req.result;
      if (!db.objectStoreNames.contains('recordings')) db.createObjectStore('recordings', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('batches')) db.createObjectStore('batches', { keyPath: ['id', 'seq'] });
      if (e.oldVersion === 1) writeIndex(req.transaction!);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write failed'));
  });
}

const result = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => ((req.onsuccess = () => resolve(req.result)), (req.onerror = () => reject(req.error ?? new Error('IndexedDB read failed')))));
/** Every batch of one session: keys [id, seq]; an array sorts after every number. */
const batchesOf = (id: string) => IDBKeyRange.bound([id], [id, []]);

export class RecordingStore implements SessionPersistence {
  private db: Promise<IDBDatabase> | null = null;

  /** One connection, opened on first use; again after another tab's upgrade closed it, or a failed open. */
  private conn(): Promise<IDBDatabase> {
    this.db ??= open().then(
      (db) => {
        // A later version opened in another tab: let it upgrade; this tab's next write reopens.
        db.onversionchange = () => {
          db.close();
          this.db = null;
        };
        return db;
      },
      (err: unknown) => {
        this.db = null;
        throw err;
      },
    );
    return this.db;
  }

  async begin(id: string, meta: RecordingMeta, name: string): Promise<void> {
    const db = await this.conn();
    const tx = db.transaction('recordings', 'readwrite');
    tx.objectStore('recordings').put({ id, name, meta, finished: false, ...NO_ROWS } satisfies SessionIndex);
    await done(tx);
  }

  /** The rows and the index's counts in one transaction: both are written, or neither. */
  async append(id: string, seq: number, rows: RecordingRow[]): Promise<void> {
    if (!rows.length) return;
    const db = await this.conn();
    const tx = db.transaction(['recordings', 'batches'], 'readwrite');
    const recordings = tx.objectStore('recordings');
    const batches = tx.objectStore('batches');
    const entry = recordings.get(id);
    const old = batches.get([id, seq]);
    old.onsuccess = () => {
      batches.put({ id, seq, rows } satisfies Batch);
      const index = entry.result as SessionIndex | undefined;
      if (index) recordings.put({ ...index, ...countRows(index, rows, (old.result as Batch | undefined)?.rows) });
    };
    await done(tx);
  }

  private async patch(id: string, change: Partial<SessionIndex>): Promise<void> {
    const db = await this.conn();
    const tx = db.transaction('recordings', 'readwrite');
    const store = tx.objectStore('recordings');
    const req = store.get(id);
    req.onsuccess = () => {
      const index = req.result as SessionIndex | undefined;
      if (index) store.put({ ...index, ...change });
    };
    await done(tx);
  }

  finish(id: string): Promise<void> {
    return this.patch(id, { finished: true });
  }

  rename(id: string, name: string): Promise<void> {
    return this.patch(id, { name });
  }

  async list(): Promise<SessionIndex[]> {
    const db = await this.conn();
    const tx = db.transaction('recordings', 'readonly');
    return ((await result(tx.objectStore('recordings').getAll())) as SessionIndex[]).sort(newestFirst);
  }

  async rows(id: string): Promise<RecordingRow[]> {
    const db = await this.conn();
    const tx = db.transaction('batches', 'readonly');
    // Keys [id, seq] come in seq order.
    return ((await result(tx.objectStore('batches').getAll(batchesOf(id)))) as Batch[]).flatMap((b) => b.rows);
  }

  async remove(id: string): Promise<void> {
    const db = await this.conn();
    const tx = db.transaction(['recordings', 'batches'], 'readwrite');
    tx.objectStore('recordings').delete(id);
    tx.objectStore('batches').delete(batchesOf(id));
    await done(tx);
  }
}

/** The same store in memory (tests; browsers without IndexedDB keep sessions until a reload). */
export class MemorySessionStore implements SessionPersistence {
  readonly records = new Map<string, { index: SessionIndex; batches: Map<number, RecordingRow[]> }>();
  /** How often rows were read (a test checks that listing reads none). */
  rowReads = 0;

  async begin(id: string, meta: RecordingMeta, name: string): Promise<void> {
    this.records.set(id, { index: { id, name, meta, finished: false, ...NO_ROWS }, batches: new Map() });
  }
  async append(id: string, seq: number, rows: RecordingRow[]): Promise<void> {
    const r = this.records.get(id);
    if (!r || !rows.length) return;
    r.index = { ...r.index, ...countRows(r.index, rows, r.batches.get(seq)) };
    r.batches.set(seq, [...rows]);
  }
  async finish(id: string): Promise<void> {
    const r = this.records.get(id);
    if (r) r.index = { ...r.index, finished: true };
  }
  async rename(id: string, name: string): Promise<void> {
    const r = this.records.get(id);
    if (r) r.index = { ...r.index, name };
  }
  async list(): Promise<SessionIndex[]> {
    return [...this.records.values()].map((r) => ({ ...r.index, faces: [...r.index.faces] })).sort(newestFirst);
  }
  async rows(id: string): Promise<RecordingRow[]> {
    this.rowReads++;
    const batches = this.records.get(id)?.batches;
    return batches ? [...batches.entries()].sort(([a], [b]) => a - b).flatMap(([, rows]) => rows) : [];
  }
  async remove(id: string): Promise<void> {
    this.records.delete(id);
  }
}
