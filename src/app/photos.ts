/**
 * Photo analysis, outside React. Every request gets an identity; only the latest may publish, so a
 * big photo that finishes after a small one picked later never replaces it, and dropping ten
 * photos shows the last. The photo as analysed (orientation applied) is kept as an ImageBitmap for
 * the annotated canvas and the thumbnails, and closed as soon as another photo replaces it; no
 * object URL is made.
 *
 * What is shown is true now: a photo's faces are numbered once, with no gaps at the filters of the
 * moment (numberPhotoFaces); a photo in which no face was found can be read whole, as one face
 * (readWhole); and when the model changes, the photo on screen is read again by the new one (its
 * faces keep their numbers), the old result marked as the old model's until then.
 */
import { errors, toAppError } from '../state/errors';
import { mark } from './marks';
import { loadPhoto } from './photoFile';
import type { PhotoExplanation, Store } from '../state/store';
import { type AnalysisKind, type Box, EMOTIONS, type FaceFilter, type FrameResult, numberPhotoFaces, visibleFaces } from '../engine';
import type { BatchSession } from './batch';
import type { EngineHost } from './engineHost';

const FILE_NOTICES = ['file-not-image', 'file-corrupt', 'file-too-large', 'file-empty', 'file-heic', 'no-face', 'engine-busy'] as const;

/** Faces numbered elsewhere (a video's frame opened as a photo): their boxes and numbers. */
export type GivenFaces = readonly { id: number; box: Box }[];

interface Request {
  kind: AnalysisKind;
  given?: GivenFaces;
  /** The image is the one on screen (a re-read): the store keeps it whatever happens. */
  shown?: boolean;
}

export class PhotoSession {
  private latest = 0;
  /** Requests not finished yet, superseded ones included (tests wait for 0). */
  inFlight = 0;
  private readonly offModel: () => void;

  constructor(
    private readonly store: Store,
    private readonly host: EngineHost,
    private readonly batch?: BatchSession,
  ) {
    // A model switch re-reads the photo on screen: its cards never show one model's answer under another's name.
    this.offModel = store.subscribe((s, p) => {
      if (s.modelActive !== p.modelActive && s.modelActive) void this.reread();
    });
  }

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
      await this.run(file.name, async () => (await loadPhoto(file)).bitmap, { kind: 'photo' });
    } finally {
      this.inFlight--;
    }
  }

  /**
   * A picture already decoded (a paused video's frame): the same path as a file, so it gets the
   * same cards, "Why?" maps and exports. Takes ownership of `image`. `given`: the faces as the
   * video numbered them, so a face keeps its number.
   */
  async analyseImage(image: ImageBitmap, name: string, given?: GivenFaces): Promise<void> {
    this.inFlight++;
    try {
      await this.run(name, async () => image, { kind: 'photo', ...(given ? { given } : {}) });
    } finally {
      this.inFlight--;
    }
  }

  /** The photo on screen, in which no face was found, read whole as one face (marked so everywhere). */
  async readWhole(): Promise<void> {
    const shown = this.s.photo;
    if (shown.phase !== 'done' || !shown.image || !shown.result || shown.result.faces.length > 0 || !shown.name) return;
    const image = shown.image;
    this.inFlight++;
    try {
      await this.run(shown.name, async () => image, { kind: 'whole', shown: true });
    } finally {
      this.inFlight--;
    }
  }

  /** The photo on screen read again by the running model, when another one read it; its faces keep their numbers. */
  async reread(): Promise<void> {
    const shown = this.s.photo;
    const model = this.s.modelActive;
    if (shown.phase !== 'done' || !shown.image || !shown.result || !shown.name || !model || shown.result.model === model) return;
    const image = shown.image;
    const kind: AnalysisKind = shown.result.whole ? 'whole' : 'photo';
    this.inFlight++;
    try {
      await this.run(shown.name, async () => image, { kind, shown: true, given: shown.result.faces.map((f) => ({ id: f.id, box: f.box })) });
    } finally {
      this.inFlight--;
    }
  }

  private filter(): FaceFilter {
    const s = this.s;
    return { minScore: s.minScore, minSize: s.minSize, hideLowConfidence: s.hideLowConfidence };
  }

  private async run(name: string, load: () => Promise<ImageBitmap>, request: Request): Promise<void> {
    const id = ++this.latest;
    const s = this.s;
    s.clearNotices([...FILE_NOTICES]);
    const previous = s.photo;
    s.setPhoto({ ...previous, phase: 'loading', pending: name, ...(request.shown ? { rereading: true } : { rereading: undefined }) });
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
      // The whole photo's faces are shown first, numbered; the final result keeps their numbers.
      let first: FrameResult | null = null;
      const analysed = await this.host.analyse(image, request.kind, undefined, (partial) => {
        if (id !== this.latest) return;
        mark('photo-first', { faces: partial.faces.length, ...partial.timings });
        first = numberPhotoFaces(partial, this.filter(), request.given);
        show(first, true);
      });
      mark('photo-analysed', { faces: analysed.faces.length, ...analysed.timings });
      if (id !== this.latest) return;
      const shownFirst = first as FrameResult | null;
      const given = shownFirst ? [...visibleFaces(shownFirst, this.filter()).map((x) => ({ id: x.id, box: x.box })), ...(request.given ?? [])] : request.given;
      const result = numberPhotoFaces(analysed, this.filter(), given);
      if (result.faces.length === 0) this.s.report(errors.noFace(name));
      show(result, false);
      // The model changed while this photo was being read (by the old one): once more, by the new one.
      if (!request.shown && this.s.modelActive && result.model !== this.s.modelActive) void this.reread();
    } catch (err) {
      if (id !== this.latest) return;
      this.s.report(toAppError(err));
      const now = this.s.photo;
      // Nothing is lost: the previous result stays, marked as not being the file just chosen (or,
      // for a re-read, as still the earlier read's); a photo whose whole-image faces were shown keeps them.
      if (shown) this.s.setPhoto({ ...now, searching: undefined });
      else this.s.setPhoto(now.result ? { ...now, phase: 'done', ...(request.shown ? {} : { failed: name }), pending: undefined, rereading: undefined } : { phase: 'error', name });
    } finally {
      if (!request.shown) image?.close();
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

  dispose(): void {
    this.offModel();
    this.clear();
  }
}
