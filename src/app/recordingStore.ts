/**
 * Recordings kept in IndexedDB while they are made, so a reload (or a crash) loses nothing: the
 * rows are appended in batches about once a second; the last recording can be exported or
 * discarded after a reload. Numbers only: no image or video is ever stored.
 */
import type { RecordingMeta, RecordingRow } from './recording';

const DB = 'resemote';
const VERSION = 1;

export interface StoredRecording {
  id: string;
  meta: RecordingMeta;
  finished: boolean;
  rows: RecordingRow[];
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

export class RecordingStore {
  private db: Promise<IDBDatabase> | null = null;

  private get conn(): Promise<IDBDatabase> {
    this.db ??= open();
    return this.db;
  }

  async begin(id: string, meta: RecordingMeta): Promise<void> {
    const db = await this.conn;
    const tx = db.transaction(['recordings', 'batches'], 'readwrite');
    // One recording is kept at a time: a new one replaces the last.
    tx.objectStore('recordings').clear();
    tx.objectStore('batches').clear();
    tx.objectStore('recordings').put({ id, meta, finished: false });
    await done(tx);
  }

  async append(id: string, seq: number, rows: RecordingRow[]): Promise<void> {
    if (!rows.length) return;
    const db = await this.conn;
    const tx = db.transaction('batches', 'readwrite');
    tx.objectStore('batches').put({ id, seq, rows });
    await done(tx);
  }

  async finish(id: string): Promise<void> {
    const db = await this.conn;
    const tx = db.transaction('recordings', 'readwrite');
    const store = tx.objectStore('recordings');
    const req = store.get(id);
    req.onsuccess = () => req.result && store.put({ ...req.result, finished: true });
    await done(tx);
  }

  /** The last recording, if one is kept. */
  async last(): Promise<StoredRecording | null> {
    const db = await this.conn;
    const tx = db.transaction(['recordings', 'batches'], 'readonly');
    const all = <T>(req: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((req.onsuccess = () => resolve(req.result)), (req.onerror = () => reject(req.error))));
    const [recs, batches] = await Promise.all([all(tx.objectStore('recordings').getAll()), all(tx.objectStore('batches').getAll())]);
    const rec = (recs as Omit<StoredRecording, 'rows'>[])[0];
    if (!rec) return null;
    const rows = (batches as { id: string; seq: number; rows: RecordingRow[] }[])
      .filter((b) => b.id === rec.id)
      .sort((a, b) => a.seq - b.seq)
      .flatMap((b) => b.rows);
    return { ...rec, rows };
  }

  async discard(): Promise<void> {
    const db = await this.conn;
    const tx = db.transaction(['recordings', 'batches'], 'readwrite');
    tx.objectStore('recordings').clear();
    tx.objectStore('batches').clear();
    await done(tx);
  }
}
