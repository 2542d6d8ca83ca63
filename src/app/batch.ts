/**
 * Batches of photos: many files (picked, dropped, or a folder) analysed one after another, in the
 * order of their names, through the same engine; a failed or faceless file is listed with its
 * reason, a file that is not a photo is listed as skipped, and the batch goes on. Keeps per file
 * only the numbers and a small thumbnail (no full-size pixels: a folder of 500 photos must fit in
 * memory). Combined CSV/JSON, and a ZIP of annotated photos when asked (re-read from the files
 * then). Cancel stops after the current file; the files not reached say "cancelled".
 */
import { DEFAULT_FACE_FILTER, errorMessage, type FaceFilter, type FaceResult, type FrameResult, numberPhotoFaces } from '../engine';
import { toAppError } from '../state/errors';
import { type LoadedPhoto, loadPhoto } from './photoFile';
import { toCsv } from './csv';
import type { EngineHost } from './engineHost';
import { exportName, faceToJson } from './results';
import { type EmotionCounts, topEmotionCounts } from './summary';
import { ZipWriter } from './zip';

export interface BatchItem {
  name: string;
  status: 'pending' | 'done' | 'error' | 'cancelled' | 'skipped';
  /** Why it failed, in words (error), a note (no face), or why it was skipped. */
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
  /** The ZIP being made: photos rendered so far, of how many (null when none is being made). */
  zip: { done: number; total: number } | null;
}

export const IDLE_BATCH: BatchState = { phase: 'idle', items: [], done: 0, startedAt: 0, etaSeconds: null, zip: null };
const THUMB = 160;
const IMAGE_NAME = /\.(jpe?g|png|webp|gif|bmp|avif|heic|heif|tiff?)$/i;

/** A file a photo batch should try (by type, else by name); other files are listed as skipped. */
export function looksLikePhoto(file: { name: string; type: string }): boolean {
  return file.type ? file.type.startsWith('image/') : IMAGE_NAME.test(file.name);
}

/** File names in the order a person reads them: photo-2 before photo-10, case ignored. */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
}

type Visible = (result: FrameResult) => FaceResult[];

/** What a batch reads its photos with: the face filters of the moment (for numbering) and whether
 *  a photo with no face found is read whole, as one face. */
export interface BatchOptions {
  filter: FaceFilter;
  wholeIfNoFace: boolean;
}

export class BatchSession {
  state: BatchState = IDLE_BATCH;
  private files: File[] = [];
  private cancelled = false;
  private run = 0;
  private listeners = new Set<(s: BatchState) => void>();

  constructor(
    private readonly host: Pick<EngineHost, 'analyse'>,
    private readonly options: () => BatchOptions = () => ({ filter: DEFAULT_FACE_FILTER, wholeIfNoFace: false }),
  ) {}

  subscribe(listener: (s: BatchState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: BatchState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }

  async analyse(files: readonly File[], load: (f: File) => Promise<LoadedPhoto> = loadPhoto): Promise<void> {
    this.clear();
    const run = ++this.run;
    this.cancelled = false;
    this.files = [...files].sort(byName);
    const startedAt = performance.now();
    let items: BatchItem[] = this.files.map((f) => (looksLikePhoto(f) ? { name: f.name, status: 'pending' } : { name: f.name, status: 'skipped', message: 'not a photo: skipped' }));
    const todo = items.filter((it) => it.status === 'pending').length;
    let done = items.length - todo;
    this.set({ phase: 'running', items, done, startedAt, etaSeconds: null, zip: null });
    let analysed = 0;
    for (let i = 0; i < this.files.length; i++) {
      if (this.cancelled || run !== this.run) break;
      if (items[i]?.status !== 'pending') continue;
      const file = this.files[i] as File;
      let item: BatchItem;
      try {
        const photo = await load(file);
        try {
          const thumb = await createImageBitmap(photo.bitmap, { resizeWidth: THUMB, resizeHeight: Math.max(1, Math.round((THUMB * photo.height) / photo.width)), resizeQuality: 'medium' });
          const { filter, wholeIfNoFace } = this.options();
          let result = await this.host.analyse(photo.bitmap, 'photo');
          if (!result.faces.length && wholeIfNoFace) result = await this.host.analyse(photo.bitmap, 'whole');
          result = numberPhotoFaces(result, filter);
          item = {
            name: file.name,
            status: 'done',
            result,
            thumb,
            ...(result.whole ? { message: 'no face found: the whole photo read as one face' } : result.faces.length ? {} : { message: 'no face found' }),
          };
        } finally {
          photo.bitmap.close();
        }
      } catch (err) {
        const e = toAppError(err);
        item = { name: file.name, status: 'error', message: e.message || errorMessage(err) };
      }
      if (run !== this.run) {
        item.thumb?.close();
        return;
      }
      items = items.map((it, k) => (k === i ? item : it));
      done++;
      analysed++;
      const perFile = (performance.now() - startedAt) / analysed;
      this.set({ ...this.state, phase: 'running', items, done, etaSeconds: ((todo - analysed) * perFile) / 1000 });
    }
    if (run !== this.run) return;
    if (this.cancelled) items = items.map((it) => (it.status === 'pending' ? { ...it, status: 'cancelled', message: 'cancelled' } : it));
    this.set({ ...this.state, items, phase: this.cancelled ? 'cancelled' : 'done', etaSeconds: null });
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** The same files again (another model, another setting): a new batch, read from the start. */
  again(): Promise<void> {
    return this.files.length ? this.analyse([...this.files]) : Promise.resolve();
  }

  /** The file of item i, for opening it in the photo view or re-rendering it annotated. */
  file(i: number): File | undefined {
    return this.files[i];
  }

  /**
   * The annotated photos as one ZIP: each analysed file is read again and drawn by `render` (the
   * UI's drawing, injected: no drawing code lives here). Progress is in `state.zip`, which is
   * cleared however it ends: an error never leaves "Making the ZIP…" behind.
   */
  async makeZip(render: (photo: ImageBitmap, faces: FaceResult[]) => Promise<Uint8Array>, visible: Visible, load: (f: File) => Promise<LoadedPhoto> = loadPhoto): Promise<Blob> {
    if (this.state.zip) throw new Error('a ZIP is already being made');
    const todo = this.state.items.flatMap((item, i) => (item.result && this.files[i] ? [{ item, file: this.files[i], result: item.result }] : []));
    const run = this.run;
    const archive = new ZipWriter();
    let done = 0;
    this.set({ ...this.state, zip: { done: 0, total: todo.length } });
    try {
      for (const { item, file, result } of todo) {
        const photo = await load(file);
        try {
          archive.add(exportName(item.name, 'jpg'), await render(photo.bitmap, visible(result)));
        } finally {
          photo.bitmap.close();
        }
        if (run !== this.run) throw new Error('the batch was cleared');
        this.set({ ...this.state, zip: { done: ++done, total: todo.length } });
      }
      return archive.finish();
    } finally {
      if (run === this.run) this.set({ ...this.state, zip: null });
    }
  }

  clear(): void {
    this.run++;
    for (const it of this.state.items) it.thumb?.close();
    this.files = [];
    this.set(IDLE_BATCH);
  }
}

/** Across the batch: photos analysed, faces shown, and faces per top emotion. */
export function batchSummary(items: readonly BatchItem[], visible: Visible): { photos: number; faces: number; topEmotions: EmotionCounts } {
  const faces = items.flatMap((it) => (it.result ? visible(it.result) : []));
  return { photos: items.filter((it) => it.result).length, faces: faces.length, topEmotions: topEmotionCounts(faces) };
}

/** One row per face of every analysed file, in the one CSV schema; failed and faceless files are in the JSON. */
export function batchToCsv(items: readonly BatchItem[], visible: Visible): string {
  return toCsv(
    items.flatMap((it) =>
      it.result
        ? visible(it.result).map((f) => ({
            source: it.name,
            timeMs: null,
            face: f.id,
            box: f.box,
            score: f.score,
            top: f.top.emotion,
            probs: f.probs,
            foundBy: it.result?.whole ? ('whole_photo' as const) : ('detector' as const),
          }))
        : [],
    ),
  );
}

/** `modelName` turns a model id into the name the files use (the same name at the top and per file). */
export function batchToJson(items: readonly BatchItem[], visible: Visible, meta: { model: string; backend: string; appVersion: string }, modelName: (id: string) => string = (id) => id): string {
  return JSON.stringify(
    {
      format: 'resemote-batch/1',
      ...meta,
      createdAt: new Date().toISOString(),
      summary: batchSummary(items, visible),
      files: items.map((it) => ({
        file: it.name,
        status: it.status,
        ...(it.message ? { message: it.message } : {}),
        ...(it.result
          ? {
              width: it.result.width,
              height: it.result.height,
              model: modelName(it.result.model),
              backend: it.result.backend,
              ...(it.result.whole ? { foundBy: 'whole_photo' } : {}),
              faces: visible(it.result).map((f) => faceToJson(f, it.result?.whole)),
            }
          : {}),
      })),
    },
    null,
    1,
  );
}
