/**
 * A local video file analysed frame by frame at a chosen rate, through the same engine as the
 * camera: seek, take the frame (ImageBitmap), analyse, track faces across samples. Progress, an
 * estimate of the time left, cancel. The result is the same rows as a camera recording (so the same
 * CSV/JSON), plus the faces of each sample to redraw the overlay at any moment of the video.
 */
import { AppException, errors, toAppError } from '../engine/errors';
import { type FaceFilter, type FaceResult, visibleFaces } from '../engine/faces';
import type { EngineHost } from './engineHost';
import { type RecordingMeta, type RecordingRow, rowsOf } from './recording';
import { FaceTracker, trackedFaces } from './tracker';

export interface VideoSample {
  /** Video time, ms. */
  t: number;
  width: number;
  height: number;
  faces: FaceResult[];
}

export interface VideoState {
  phase: 'idle' | 'ready' | 'analysing' | 'done' | 'cancelled' | 'error';
  name?: string;
  durationMs: number;
  done: number;
  total: number;
  etaSeconds: number | null;
  message?: string;
}

const IDLE: VideoState = { phase: 'idle', durationMs: 0, done: 0, total: 0, etaSeconds: null };
export const VIDEO_TYPES = /^video\//;

function once(target: EventTarget, ok: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the video did not answer (${ok})`)), timeoutMs);
    const onOk = () => finish();
    const onError = () => finish(new Error('the browser cannot decode this video'));
    const finish = (err?: Error) => {
      clearTimeout(timer);
      target.removeEventListener(ok, onOk);
      target.removeEventListener('error', onError);
      if (err) reject(err);
      else resolve();
    };
    target.addEventListener(ok, onOk);
    target.addEventListener('error', onError);
  });
}

export class VideoAnalysis {
  state: VideoState = IDLE;
  samples: VideoSample[] = [];
  rows: RecordingRow[] = [];
  meta: RecordingMeta | null = null;
  private url: string | null = null;
  private cancelled = false;
  private run = 0;
  private listeners = new Set<(s: VideoState) => void>();

  constructor(private readonly host: EngineHost) {}

  subscribe(listener: (s: VideoState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<VideoState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  /** Load `file` into `video` (a local object URL; nothing is uploaded). */
  async open(file: File, video: HTMLVideoElement): Promise<void> {
    this.close(video);
    this.run++;
    if (!VIDEO_TYPES.test(file.type) && !/\.(webm|mp4|m4v|mov|ogv|mkv)$/i.test(file.name)) {
      this.set({ ...IDLE, phase: 'error', name: file.name, message: errors.notVideo(file.name, file.type).message });
      throw new AppException(errors.notVideo(file.name, file.type));
    }
    this.url = URL.createObjectURL(file);
    video.src = this.url;
    video.muted = true;
    try {
      await once(video, 'loadedmetadata');
      if (!Number.isFinite(video.duration)) {
        // A recording made by MediaRecorder has no duration in its header: seeking far makes the
        // browser find the end.
        video.currentTime = 1e9;
        await once(video, 'durationchange');
        video.currentTime = 0;
        await once(video, 'seeked');
      }
      if (!video.videoWidth || !Number.isFinite(video.duration) || video.duration <= 0) throw new Error('it has no video track the browser can read');
    } catch (err) {
      this.close(video);
      const e = errors.videoUnreadable(file.name, (err as Error).message);
      this.set({ ...IDLE, phase: 'error', name: file.name, message: e.message });
      throw new AppException(e);
    }
    this.samples = [];
    this.rows = [];
    this.set({ ...IDLE, phase: 'ready', name: file.name, durationMs: video.duration * 1000 });
  }

  /** Analyse the loaded video at `fps` samples per second. */
  async analyse(video: HTMLVideoElement, fps: number, filter: FaceFilter, meta: Omit<RecordingMeta, 'kind' | 'source' | 'startedAt' | 'frameWidth' | 'frameHeight'>): Promise<void> {
    if (this.state.phase === 'analysing' || !this.url) return;
    const run = ++this.run;
    this.cancelled = false;
    video.pause();
    const duration = video.duration;
    const times: number[] = [];
    for (let t = 0; t < duration; t += 1 / fps) times.push(t);
    const tracker = new FaceTracker({ probHalfLifeMs: 0, holdMs: 0, forgetMs: Math.max(1000, 3000 / fps) });
    this.samples = [];
    this.rows = [];
    this.meta = { ...meta, kind: 'video', source: this.state.name ?? 'video', startedAt: new Date().toISOString(), frameWidth: video.videoWidth, frameHeight: video.videoHeight };
    const t0 = performance.now();
    this.set({ phase: 'analysing', done: 0, total: times.length, etaSeconds: null, message: undefined });
    try {
      for (let i = 0; i < times.length; i++) {
        if (this.cancelled || run !== this.run) break;
        const t = times[i] as number;
        video.currentTime = t;
        await once(video, 'seeked');
        const frame = await this.host.analyse(video, 'frame', t * 1000);
        if (run !== this.run) return;
        const faces = visibleFaces(frame, filter, false);
        const tracked = trackedFaces(tracker.update(faces, t * 1000));
        this.samples.push({ t: t * 1000, width: frame.width, height: frame.height, faces: tracked });
        this.rows.push(...rowsOf({ faces: tracked }, t * 1000));
        const done = i + 1;
        this.set({ done, etaSeconds: (((performance.now() - t0) / done) * (times.length - done)) / 1000 });
      }
      if (run === this.run) this.set({ phase: this.cancelled ? 'cancelled' : 'done', etaSeconds: null });
    } catch (err) {
      if (run !== this.run) return;
      const e = err instanceof AppException ? err.error : toAppError(err);
      this.set({ phase: 'error', etaSeconds: null, message: e.message });
    }
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** The analysed sample nearest to video time `ms` (to redraw the overlay while scrubbing). */
  sampleAt(ms: number): VideoSample | null {
    const s = this.samples;
    if (!s.length) return null;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((s[mid] as VideoSample).t < ms) lo = mid + 1;
      else hi = mid;
    }
    const after = s[lo] as VideoSample;
    const before = s[Math.max(0, lo - 1)] as VideoSample;
    return Math.abs(before.t - ms) <= Math.abs(after.t - ms) ? before : after;
  }

  close(video?: HTMLVideoElement): void {
    this.run++;
    this.cancelled = true;
    if (video && this.url && video.src === this.url) {
      video.removeAttribute('src');
      video.load();
    }
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.samples = [];
    this.rows = [];
    this.set(IDLE);
  }
}
