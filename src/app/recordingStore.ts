/**
 * Sessions (camera recordings and video analyses) kept in IndexedDB, so a reload (or a crash)
 * loses nothing: a recording's rows are appended in batches about once a second while it is made;
 * a video analysis is saved when it ends. Every session is kept until the user deletes it: a new
 * recording never replaces an older one. Numbers only: no image or video is ever stored.
 */
import type { RecordingMeta, RecordingRow } from './recording';

const DB = 'resemote';
const VERSION = 1;

export interface StoredRecording {
  id: string;
  /** What the user calls it (a default from the date or the file name until renamed). */
  name?: string;
  meta: RecordingMeta;
  finished: boolean;
  rows: RecordingRow[];
}

/** What the session list needs of a store (IndexedDB here, memory in tests). */
export interface SessionPersistence {
  begin(id: string, meta: RecordingMeta, name: string): Promise<void>;
  append(id: string, seq: number, rows: RecordingRow[]): Promise<void>;
  finish(id: string): Promise<void>;
  list(): Promise<StoredRecording[]>;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('recordings')) db.createObjectStore('recordings', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('batches')) db.createObjectStore('batches', { keyPath: ['id', 'seq'] });
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

const result = <T>(req: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((req.onsuccess = () => resolve(req.result)), (req.onerror = () => reject(req.error))));
/** Every batch of one session: keys [id, seq]; an array sorts after every number. */
const batchesOf = (id: string) => IDBKeyRange.bound([id], [id, []]);

export class RecordingStore implements SessionPersistence {
  private db: Promise<IDBDatabase> | null = null;

  private get conn(): Promise<IDBDatabase> {
    this.db ??= open();
    return this.db;
  }

  async begin(id: string, meta: RecordingMeta, name: string): Promise<void> {
    const db = await this.conn;
    const tx = db.transaction('recordings', 'readwrite');
    tx.objectStore('recordings').put({ id, name, meta, finished: false });
    await done(tx);
  }

  async append(id: string, seq: number, rows: RecordingRow[]): Promise<void> {
    if (!rows.length) return;
    const db = await this.conn;
    const tx = db.transaction('batches', 'readwrite');
    tx.objectStore('batches').put({ id, seq, rows });
    await done(tx);
  }

  private async patch(id: string, change: Partial<StoredRecording>): Promise<void> {
    const db = await this.conn;
    const tx = db.transaction('recordings', 'readwrite');
    const store = tx.objectStore('recordings');
    const req = store.get(id);
    req.onsuccess = () => req.result && store.put({ ...req.result, ...change });
    await done(tx);
  }

  finish(id: string): Promise<void> {
    return this.patch(id, { finished: true });
  }

  rename(id: string, name: string): Promise<void> {
    return this.patch(id, { name });
  }

  /** Every kept session with its rows, newest first. */
  async list(): Promise<StoredRecording[]> {
    const db = await this.conn;
    const tx = db.transaction(['recordings', 'batches'], 'readonly');
    const [recs, batches] = await Promise.all([result(tx.objectStore('recordings').getAll()), result(tx.objectStore('batches').getAll())]);
    const rowsOf = new Map<string, { seq: number; rows: RecordingRow[] }[]>();
    for (const b of batches as { id: string; seq: number; rows: RecordingRow[] }[]) rowsOf.set(b.id, [...(rowsOf.get(b.id) ?? []), b]);
    return (recs as Omit<StoredRecording, 'rows'>[])
      .map((rec) => ({ ...rec, rows: (rowsOf.get(rec.id) ?? []).sort((a, b) => a.seq - b.seq).flatMap((b) => b.rows) }))
      .sort((a, b) => b.meta.startedAt.localeCompare(a.meta.startedAt));
  }

  async remove(id: string): Promise<void> {
    const db = await this.conn;
    const tx = db.transaction(['recordings', 'batches'], 'readwrite');
    tx.objectStore('recordings').delete(id);
    tx.objectStore('batches').delete(batchesOf(id));
    await done(tx);
  }
}

/** The same store in memory (tests; browsers without IndexedDB keep sessions until a reload). */
export class MemorySessionStore implements SessionPersistence {
  readonly records = new Map<string, StoredRecording>();

  async begin(id: string, meta: RecordingMeta, name: string): Promise<void> {
    this.records.set(id, { id, name, meta, finished: false, rows: [] });
  }
  async append(id: string, _seq: number, rows: RecordingRow[]): Promise<void> {
    this.records.get(id)?.rows.push(...rows);
  }
  async finish(id: string): Promise<void> {
    const r = this.records.get(id);
    if (r) r.finished = true;
  }
  async rename(id: string, name: string): Promise<void> {
    const r = this.records.get(id);
    if (r) r.name = name;
  }
  async list(): Promise<StoredRecording[]> {
    return [...this.records.values()].map((r) => ({ ...r, rows: [...r.rows] })).sort((a, b) => b.meta.startedAt.localeCompare(a.meta.startedAt));
  }
  async remove(id: string): Promise<void> {
    this.records.delete(id);
  }
}
