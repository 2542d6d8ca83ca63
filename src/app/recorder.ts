/**
 * Record a camera session: every analysed frame becomes rows (recording.ts), listed at once as a
 * session (sessions.ts) and written to IndexedDB about once a second, so a reload loses nothing.
 * Optionally a WebM of the camera with the overlay burnt in (VideoRecorder below) when the user
 * asks; otherwise no image is kept at all. The recorder lives in app/, not in a component: when
 * the camera stops (Stop, or leaving the Camera tab) the recording ends cleanly, rows and WebM
 * kept in its session; a new Record is a new session, never an overwrite. A write the browser
 * refuses (storage full, blocked) keeps its rows for the next write and tells the user.
 */
import { version } from '../../package.json';
import { errorMessage, type FrameResult, modelName } from '../engine';
import { errors } from '../state/errors';
import type { Store } from '../state/store';
import type { FrameBus } from './frameBus';
import { type RecordingMeta, type RecordingRow, rowsOf } from './recording';
import type { SessionList } from './sessions';
import { withDuration } from './webmDuration';

export const APP_VERSION: string = version;

export interface RecorderState {
  phase: 'idle' | 'recording' | 'stopped';
  rows: number;
  /** Rows not yet kept in IndexedDB because a write failed (they are retried at every flush). */
  unsaved: number;
  startedAt?: string;
  elapsedMs: number;
  /** The session being recorded, or the last one recorded. */
  sessionId?: string;
  /** Recording the video too. */
  withVideo: boolean;
  /** Why the last recording ended when the user did not press Stop. */
  endedBy?: 'camera';
}

/** What a WebM needs: the camera preview and the overlay drawn over it. */
export interface VideoSource {
  video: HTMLVideoElement;
  overlay: HTMLCanvasElement;
  mirror: () => boolean;
}

export class Recorder {
  private id = '';
  private start = 0;
  private seq = 0;
  private pending: RecordingRow[] = [];
  private meta: RecordingMeta | null = null;
  /** Writes to IndexedDB, one after another: begin, then each batch in order. */
  private saving: Promise<void> = Promise.resolve();
  private storageFailed = false;
  /** The recording's entry is in IndexedDB (its batches are only readable with it). */
  private begun = false;
  private flushTimer: ReturnType<typeof setInterval> | null = null;
  private off: (() => void) | null = null;
  private video: VideoRecorder | null = null;
  private stopping: Promise<void> | null = null;
  private readonly offCamera: () => void;
  private listeners = new Set<(s: RecorderState) => void>();
  state: RecorderState = { phase: 'idle', rows: 0, unsaved: 0, elapsedMs: 0, withVideo: false };

  constructor(
    private readonly bus: FrameBus,
    private readonly store: Store,
    private readonly sessions: SessionList,
    private readonly makeVideoRecorder: () => VideoRecorder | null = () => (VideoRecorder.supported() ? new VideoRecorder() : null),
    /** Called as a recording begins, with its start time: the live view numbers faces from 1 again from then on. */
    private readonly onBegin: (start: number) => void = () => undefined,
  ) {
    // The camera stopping (Stop camera, leaving the tab, unplugged) ends the recording, kept whole.
    this.offCamera = store.subscribe((s, p) => {
      if (p.camera.phase === 'running' && s.camera.phase !== 'running' && this.state.phase === 'recording') void this.stop('camera');
    });
  }

  /** The rows of the recording being made, or of the last one. */
  get rows(): RecordingRow[] {
    return this.sessions.get(this.id)?.rows ?? [];
  }

  subscribe(listener: (s: RecorderState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(patch: Partial<RecorderState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  /** Start a new session (the last one stays in the list). `source`: record the video too. */
  begin(source?: VideoSource | null, now = performance.now()): void {
    if (this.state.phase === 'recording') return;
    const s = this.store.getState();
    this.onBegin(now);
    this.pending = [];
    this.seq = 0;
    this.start = now;
    this.id = this.sessions.newId('camera');
    const frame = this.bus.frame;
    this.meta = {
      kind: 'camera',
      source: 'camera',
      model: modelName(s.models, s.modelActive),
      backend: s.backendActive ?? '',
      appVersion: APP_VERSION,
      startedAt: new Date().toISOString(),
      frameWidth: frame?.width ?? 0,
      frameHeight: frame?.height ?? 0,
    };
    this.sessions.open(this.id, this.meta);
    this.begun = false;
    void this.flush(); // the recording's entry, at once
    this.off = this.bus.subscribe((f) => f && this.add(f));
    this.flushTimer = setInterval(() => void this.flush(), 1000);
    this.video = source ? this.makeVideoRecorder() : null;
    this.video?.start(source!.video, source!.overlay, source!.mirror);
    this.emit({ phase: 'recording', rows: 0, unsaved: 0, startedAt: this.meta.startedAt, elapsedMs: 0, sessionId: this.id, withVideo: !!this.video, endedBy: undefined });
  }

  private add(frame: FrameResult): void {
    // A frame taken before Record was pressed (it was being analysed then) is not part of it:
    // time_ms is never negative.
    if (frame.time < this.start) return;
    if (this.meta && !this.meta.frameWidth) Object.assign(this.meta, { frameWidth: frame.width, frameHeight: frame.height });
    const rows = rowsOf(frame, frame.time - this.start);
    this.sessions.addRows(this.id, rows);
    this.pending.push(...rows);
    this.emit({ rows: this.state.rows + rows.length, elapsedMs: frame.time - this.start });
  }

  /**
   * Write the rows not yet kept. A failed write (storage full, blocked, private mode) keeps its rows
   * for the next flush and tells the user, who was promised that a reload loses nothing.
   */
  private flush(): Promise<void> {
    this.saving = this.saving.then(() => this.flushNow());
    return this.saving;
  }

  private async flushNow(): Promise<void> {
    const persist = this.sessions.persistence;
    if (!persist || !this.meta || (this.begun && !this.pending.length)) return;
    const batch = this.pending;
    this.pending = [];
    try {
      if (!this.begun) {
        await persist.begin(this.id, this.meta, this.sessions.get(this.id)?.name ?? '');
        this.begun = true;
      }
      if (batch.length) {
        await persist.append(this.id, this.seq, batch);
        this.seq++;
      }
      this.saved();
    } catch (err) {
      this.pending = batch.concat(this.pending);
      this.notSaved(err);
    }
  }

  private saved(): void {
    if (!this.storageFailed || this.pending.length) return;
    this.storageFailed = false;
    this.store.getState().dismiss('recording-not-kept');
    this.emit({ unsaved: 0 });
  }

  private notSaved(err: unknown): void {
    this.storageFailed = true;
    this.store.getState().report(errors.recordingNotKept(errorMessage(err)));
    this.emit({ unsaved: this.pending.length });
  }

  /** End the recording: rows flushed, the WebM (if asked for) kept with the session. */
  stop(endedBy?: 'camera'): Promise<void> {
    if (this.state.phase !== 'recording') return this.stopping ?? Promise.resolve();
    this.off?.();
    this.off = null;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    const id = this.id;
    const video = this.video;
    this.video = null;
    this.emit({ phase: 'stopped', endedBy });
    this.stopping = (async () => {
      await this.flush();
      const persist = this.sessions.persistence;
      if (persist && !this.storageFailed) await persist.finish(id).catch((err: unknown) => this.notSaved(err));
      const webm = await video?.stop().catch(() => null);
      this.sessions.finish(id, { webm, frameWidth: this.meta?.frameWidth, frameHeight: this.meta?.frameHeight });
    })().finally(() => (this.stopping = null));
    return this.stopping;
  }

  dispose(): void {
    this.offCamera();
    void this.stop();
  }
}

/**
 * A WebM of what the user sees: each animation frame, the video and the overlay canvas are drawn
 * into one canvas whose stream MediaRecorder encodes. Only when the user asks for it.
 */
export class VideoRecorder {
  private recorder: MediaRecorder | null = null;
  private chunks: Blob[] = [];
  private raf = 0;
  private startedAt = 0;
  private readonly canvas = document.createElement('canvas');

  static supported(): boolean {
    return typeof MediaRecorder !== 'undefined' && typeof HTMLCanvasElement.prototype.captureStream === 'function';
  }

  start(video: HTMLVideoElement, overlay: HTMLCanvasElement, mirror: () => boolean): void {
    const w = video.videoWidth || 640;
    const h = video.videoHeight || 480;
    this.canvas.width = w;
    this.canvas.height = h;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const draw = () => {
      ctx.save();
      if (mirror()) {
        ctx.translate(w, 0);
        ctx.scale(-1, 1);
      }
      ctx.drawImage(video, 0, 0, w, h);
      ctx.restore();
      // The overlay canvas covers the letterboxed view; map it back onto the frame.
      const s = Math.min(overlay.width / w, overlay.height / h);
      const ox = (overlay.width - w * s) / 2;
      const oy = (overlay.height - h * s) / 2;
      if (s > 0) ctx.drawImage(overlay, ox, oy, w * s, h * s, 0, 0, w, h);
      this.raf = requestAnimationFrame(draw);
    };
    draw();
    const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
    this.recorder = new MediaRecorder(this.canvas.captureStream(30), type ? { mimeType: type } : undefined);
    this.chunks = [];
    this.recorder.ondataavailable = (e) => e.data.size && this.chunks.push(e.data);
    this.recorder.start(1000);
    this.startedAt = performance.now();
  }

  /** Stop and return the WebM (null when nothing was recorded). */
  stop(): Promise<Blob | null> {
    cancelAnimationFrame(this.raf);
    const recorder = this.recorder;
    this.recorder = null;
    if (!recorder || recorder.state === 'inactive') return Promise.resolve(null);
    return new Promise((resolve) => {
      const durationMs = performance.now() - this.startedAt;
      recorder.onstop = () => {
        for (const t of recorder.stream.getTracks()) t.stop();
        const chunks = this.chunks;
        const type = recorder.mimeType || 'video/webm';
        this.chunks = [];
        this.canvas.width = this.canvas.height = 0;
        if (!chunks.length) return resolve(null);
        // MediaRecorder's WebM has no duration: players could not seek in it. Write it in.
        void new Blob(chunks)
          .arrayBuffer()
          .then((bytes) => resolve(new Blob([withDuration(new Uint8Array(bytes), durationMs) as Uint8Array<ArrayBuffer>], { type })))
          .catch(() => resolve(new Blob(chunks, { type })));
      };
      recorder.stop();
    });
  }
}
