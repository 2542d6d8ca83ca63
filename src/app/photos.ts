/**
 * Photo analysis, outside React. Every request gets an identity; only the latest may publish, so a
 * big photo that finishes after a small one picked later never replaces it, and dropping ten
 * photos shows the last. The photo as analysed (orientation applied) is kept as an ImageBitmap for
 * the annotated canvas and the thumbnails, and closed as soon as another photo replaces it; no
 * object URL is made.
 */
import { errors, toAppError } from '../state/errors';
import { mark } from './marks';
import { loadPhoto } from './photoFile';
import type { PhotoExplanation, Store } from '../state/store';
import { EMOTIONS, type FrameResult } from '../engine';
import type { BatchSession } from './batch';
import type { EngineHost } from './engineHost';

const FILE_NOTICES = ['file-not-image', 'file-corrupt', 'file-too-large', 'file-empty', 'file-heic', 'no-face', 'engine-busy'] as const;

export class PhotoSession {
  private latest = 0;
  /** Requests not finished yet, superseded ones included (tests wait for 0). */
  inFlight = 0;

  constructor(
    private readonly store: Store,
    private readonly host: EngineHost,
    private readonly batch?: BatchSession,
  ) {}

  private get s() {
    return this.store.getState();
  }

  /** The Photo tab is open: the engine prepares a photo's first analysis while the user picks one. */
  prepare(): void {
    void this.host.prepare('photo');
  }

  /** One file: the photo view. Several (a multi-select, a drop, a folder): a batch, every file in
   *  order, when a batch session exists; otherwise the last one. */
  analyseFiles(files: readonly File[]): Promise<void> {
    if (files.length > 1 && this.batch) {
      this.clear();
      return this.batch.analyse(files);
    }
    this.batch?.clear();
    const file = files[files.length - 1];
    return file ? this.analyse(file) : Promise.resolve();
  }

  async analyse(file: File): Promise<void> {
    this.inFlight++;
    try {
      await this.run(file.name, async () => (await loadPhoto(file)).bitmap);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * A picture already decoded (a paused video's frame): the same path as a file, so it gets the
   * same cards, "Why?" maps and exports. Takes ownership of `image`.
   */
  async analyseImage(image: ImageBitmap, name: string): Promise<void> {
    this.inFlight++;
    try {
      await this.run(name, async () => image);
    } finally {
      this.inFlight--;
    }
  }

  private async run(name: string, load: () => Promise<ImageBitmap>): Promise<void> {
    const id = ++this.latest;
    const s = this.s;
    s.clearNotices([...FILE_NOTICES]);
    const previous = s.photo;
    s.setPhoto({ ...previous, phase: 'loading', pending: name });
    let image: ImageBitmap | null = null;
    /** The photo shown (its first result): the store owns the bitmap from then on. */
    let shown: ImageBitmap | null = null;
    const show = (result: FrameResult, searching: boolean) => {
      const now = this.s.photo;
      if (shown) {
        // The tiles' faces added: what is shown (and any "Why?" map asked meanwhile) stays.
        this.s.setPhoto({ ...now, phase: 'done', name, result, image: shown, searching: searching || undefined, pending: undefined, failed: undefined });
        return;
      }
      const old = now.image;
      shown = image;
      image = null; // now owned by the store's photo state
      this.s.setPhoto({ phase: 'done', name, result, image: shown as ImageBitmap, ...(searching ? { searching } : {}) });
      if (old && old !== shown) old.close();
    };
    mark('photo-picked');
    try {
      image = await load();
      mark('photo-decoded', { width: image.width, height: image.height });
      if (id !== this.latest) return;
      const result = await this.host.analyse(image, 'photo', undefined, (first) => {
        if (id !== this.latest) return;
        mark('photo-first', { faces: first.faces.length, ...first.timings });
        show(first, true);
      });
      mark('photo-analysed', { faces: result.faces.length, ...result.timings });
      if (id !== this.latest) return;
      if (result.faces.length === 0) this.s.report(errors.noFace(name));
      show(result, false);
    } catch (err) {
      if (id !== this.latest) return;
      this.s.report(toAppError(err));
      const now = this.s.photo;
      // Nothing is lost: the previous result stays, marked as not being the file just chosen; a
      // photo whose whole-image faces were shown keeps them.
      if (shown) this.s.setPhoto({ ...now, searching: undefined });
      else this.s.setPhoto(now.result ? { ...now, phase: 'done', failed: name, pending: undefined } : { phase: 'error', name });
    } finally {
      image?.close();
    }
  }

  /**
   * Why the model gave face `faceId` of the photo shown its top emotion: the engine's occlusion map
   * of that face, kept with the photo (and dropped with it). A second ask while one is being made
   * is the same ask.
   */
  async explain(faceId: number): Promise<void> {
    const shown = this.s.photo;
    const face = shown.result?.faces.find((f) => f.id === faceId);
    if (!shown.image || !shown.result || !face || shown.explanations?.[faceId]?.phase === 'pending') return;
    // The same photo, even once its tiles' faces were added (the faces shown keep their ids).
    const photo = shown.image;
    const set = (e: PhotoExplanation) => {
      const now = this.s.photo;
      if (now.image === photo) this.s.setPhoto({ ...now, explanations: { ...now.explanations, [faceId]: e } });
    };
    set({ phase: 'pending' });
    try {
      const map = await this.host.explain(shown.image, face.crop, face.roll, EMOTIONS.indexOf(face.top.emotion));
      set({ phase: 'done', map });
    } catch (err) {
      set({ phase: 'error', message: toAppError(err).message });
    }
  }

  /** Take face `faceId`'s "Why?" map off the photo (asked again, it is made again). */
  hideExplanation(faceId: number): void {
    const now = this.s.photo;
    if (!now.explanations?.[faceId]) return;
    const { [faceId]: _gone, ...rest } = now.explanations;
    this.s.setPhoto({ ...now, explanations: rest });
  }

  /** Forget the current photo (and release its pixels). */
  clear(): void {
    this.latest++;
    this.s.photo.image?.close();
    this.s.setPhoto({ phase: 'idle' });
  }
}
