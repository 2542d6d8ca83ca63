/**
 * Batches of photos: many files (picked, dropped, or a folder) analysed one after another through
 * the same engine; a failed or faceless file is listed with its reason and the batch goes on. Keeps
 * per file only the numbers and a small thumbnail (no full-size pixels: a folder of 500 photos
 * must fit in memory). Combined CSV/JSON, and a ZIP of annotated photos when asked (re-read from
 * the files then). Cancel stops after the current file.
 */
import { EMOTIONS } from '../engine/emotions';
import { AppException, errorMessage, toAppError } from '../engine/errors';
import type { FaceResult, FrameResult } from '../engine/faces';
import { loadPhoto } from '../engine/photo';
import type { EngineHost } from './engineHost';
import { csvRow } from './results';

export interface BatchItem {
  name: string;
  status: 'pending' | 'done' | 'error';
  /** Why it failed, in words (error) or a note (no face). */
  message?: string;
  result?: FrameResult;
  /** A small copy of the photo for the grid (closed when the batch is cleared). */
  thumb?: ImageBitmap;
}

export interface BatchState {
  phase: 'idle' | 'running' | 'done' | 'cancelled';
  items: BatchItem[];
  done: number;
  startedAt: number;
  /** Estimated seconds left (null until one file is done). */
  etaSeconds: number | null;
}

export const IDLE_BATCH: BatchState = { phase: 'idle', items: [], done: 0, startedAt: 0, etaSeconds: null };
const THUMB = 160;
const r = (v: number, d = 4) => Number(v.toFixed(d));

export class BatchSession {
  state: BatchState = IDLE_BATCH;
  private files: File[] = [];
  private cancelled = false;
  private run = 0;
  private listeners = new Set<(s: BatchState) => void>();

  constructor(private readonly host: EngineHost) {}

  subscribe(listener: (s: BatchState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: BatchState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }

  async analyse(files: readonly File[]): Promise<void> {
    this.clear();
    const run = ++this.run;
    this.cancelled = false;
    this.files = [...files];
    const startedAt = performance.now();
    let items: BatchItem[] = this.files.map((f) => ({ name: f.name, status: 'pending' }));
    this.set({ phase: 'running', items, done: 0, startedAt, etaSeconds: null });
    for (let i = 0; i < this.files.length; i++) {
      if (this.cancelled || run !== this.run) break;
      const file = this.files[i] as File;
      let item: BatchItem;
      try {
        const photo = await loadPhoto(file);
        try {
          const thumb = await createImageBitmap(photo.bitmap, { resizeWidth: THUMB, resizeHeight: Math.max(1, Math.round((THUMB * photo.height) / photo.width)), resizeQuality: 'medium' });
          const result = await this.host.analyse(photo.bitmap, 'photo');
          item = { name: file.name, status: 'done', result, thumb, ...(result.faces.length ? {} : { message: 'no face found' }) };
        } finally {
          photo.bitmap.close();
        }
      } catch (err) {
        const e = err instanceof AppException ? err.error : toAppError(err);
        item = { name: file.name, status: 'error', message: e.message || errorMessage(err) };
      }
      if (run !== this.run) {
        item.thumb?.close();
        return;
      }
      items = items.map((it, k) => (k === i ? item : it));
      const done = i + 1;
      const perFile = (performance.now() - startedAt) / done;
      this.set({ phase: 'running', items, done, startedAt, etaSeconds: ((this.files.length - done) * perFile) / 1000 });
    }
    if (run === this.run) this.set({ ...this.state, phase: this.cancelled ? 'cancelled' : 'done', etaSeconds: null });
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** The file of item i, for re-rendering it annotated (ZIP export). */
  file(i: number): File | undefined {
    return this.files[i];
  }

  clear(): void {
    this.run++;
    for (const it of this.state.items) it.thumb?.close();
    this.files = [];
    this.set(IDLE_BATCH);
  }
}

type Visible = (result: FrameResult) => FaceResult[];

/** One row per face of every analysed file; failed and faceless files are in the JSON. */
export function batchToCsv(items: readonly BatchItem[], visible: Visible): string {
  const header = ['file', 'face', 'x', 'y', 'width', 'height', 'detection_score', 'top_emotion', ...EMOTIONS];
  const lines = [header.join(',')];
  for (const it of items) {
    if (!it.result) continue;
    for (const f of visible(it.result)) {
      lines.push(csvRow([it.name, f.id, r(f.box.x, 1), r(f.box.y, 1), r(f.box.width, 1), r(f.box.height, 1), r(f.score), f.top.emotion, ...EMOTIONS.map((_, k) => r(f.probs[k] ?? 0))]));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

export function batchToJson(items: readonly BatchItem[], visible: Visible, meta: { model: string; backend: string; appVersion: string }): string {
  return JSON.stringify(
    {
      format: 'resemote-batch/1',
      ...meta,
      createdAt: new Date().toISOString(),
      files: items.map((it) => ({
        file: it.name,
        status: it.status,
        ...(it.message ? { message: it.message } : {}),
        ...(it.result
          ? {
              width: it.result.width,
              height: it.result.height,
              model: it.result.model,
              backend: it.result.backend,
              faces: visible(it.result).map((f) => ({
                id: f.id,
                box: { x: r(f.box.x, 1), y: r(f.box.y, 1), width: r(f.box.width, 1), height: r(f.box.height, 1) },
                detectionScore: r(f.score),
                top: f.top.emotion,
                probabilities: Object.fromEntries(EMOTIONS.map((e, k) => [e, r(f.probs[k] ?? 0)])),
              })),
            }
          : {}),
      })),
    },
    null,
    1,
  );
}
