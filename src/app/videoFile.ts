/**
 * A local video file analysed frame by frame at a chosen rate, through the same engine as the
 * camera: seek, take the frame (ImageBitmap), analyse, track faces across samples. Progress, an
 * estimate of the time left, cancel. The result is the same rows as a camera recording (so the same
 * CSV/JSON), plus the faces of each sample to redraw the overlay at any moment of the video.
 *
 * It owns its <video> element (the Video tab shows it while mounted), so leaving the tab neither
 * empties it nor stops an analysis; a finished analysis is also kept as a session. The moment
 * shown (the element's time and the sample nearest to it) goes out on a small bus, for the overlay
 * and the charts' cursors to draw from outside React, as the camera overlay does.
 *
 * The overlay belongs to the frame on screen: the moment's time is the media time of the frame the
 * element presented (requestVideoFrameCallback), not its currentTime, which jumps to a seek's
 * target before that frame is decoded. While a seek is under way (a chart click, the arrow keys,
 * the video's own controls) the moment has no sample, so the overlay shows nothing rather than
 * the boxes of the moment before over the frame after.
 */
import { AppException, errors, toAppError } from '../state/errors';
import type { Box, FaceFilter, FaceResult } from '../engine';
import { RingBuffer } from './ringBuffer';
import type { EngineHost } from './engineHost';
import { type RecordingMeta, type RecordingRow, rowsOf } from './recording';
import type { SessionList } from './sessions';
import { FaceTracker } from '../engine';
import { trackFaces } from './trackFaces';
import { withDuration } from './webmDuration';
import { timelineBuffers } from './timeline';

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
  /** Samples a second of the last analysis. */
  fps: number;
  /** An annotated WebM being made: the share of the video done, 0-1 (null when none is). */
  exporting: number | null;
}

const IDLE: VideoState = { phase: 'idle', durationMs: 0, done: 0, total: 0, etaSeconds: null, fps: 5, exporting: null };
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

/** The moment the video shows, and the analysed sample nearest to it (null when none is close). */
export interface VideoMoment {
  ms: number;
  sample: VideoSample | null;
  /** A seek is under way: the frame on screen is about to change, so no sample is shown. */
  seeking?: boolean;
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
  private momentListeners = new Set<(m: VideoMoment) => void>();
  private el: HTMLVideoElement | null = null;
  private raf = 0;
  private buffers: Map<number, RingBuffer> | null = null;
  /** The media time of the frame on screen (ms), from requestVideoFrameCallback; null until one is presented. */
  private presentedMs: number | null = null;
  /** A seek started and its frame is not on screen yet. */
  private awaitingFrame = false;

  constructor(
    private readonly host: Pick<EngineHost, 'analyse'>,
    private readonly sessions: SessionList | null = null,
  ) {}

  /** The video element (made once, kept across tab switches). */
  get element(): HTMLVideoElement {
    if (this.el) return this.el;
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    if (typeof (v as Partial<HTMLVideoElement>).requestVideoFrameCallback === 'function') {
      // Every presented frame (playing, or the one a seek lands on) says its own media time.
      const onFrame = (_now: number, frame: VideoFrameCallbackMetadata) => {
        v.requestVideoFrameCallback(onFrame);
        if (v.seeking) return; // a frame from before the seek's target is decoded
        this.presentedMs = frame.mediaTime * 1000;
        this.awaitingFrame = false;
        this.emitMoment();
      };
      v.requestVideoFrameCallback(onFrame);
      v.addEventListener('seeked', () => {
        // A seek that lands on the frame already shown presents no new frame: after two
        // animation frames without one, the frame on screen is the target's.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            if (v.seeking) return; // another seek began: its own seeked will come
            if (this.awaitingFrame) {
              this.awaitingFrame = false;
              this.presentedMs = v.currentTime * 1000;
            }
            this.emitMoment();
          }),
        );
      });
    } else {
      const tick = () => {
        this.raf = 0;
        this.emitMoment();
        if (!v.paused && !v.ended) this.raf = requestAnimationFrame(tick);
      };
      v.addEventListener('seeked', () => {
        this.awaitingFrame = false;
        this.emitMoment();
      });
      v.addEventListener('timeupdate', () => this.emitMoment());
      v.addEventListener('play', () => void (this.raf ||= requestAnimationFrame(tick)));
    }
    v.addEventListener('seeking', () => {
      this.awaitingFrame = true;
      this.emitMoment(); // the overlay is wiped at once: the frame it belongs to is leaving
    });
    this.el = v;
    return v;
  }

  subscribe(listener: (s: VideoState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The moment shown, at display rate while playing and on every seek (never through React). */
  subscribeMoment(listener: (m: VideoMoment) => void): () => void {
    this.momentListeners.add(listener);
    return () => this.momentListeners.delete(listener);
  }

  /** The moment now (for a view that mounts, to draw at once): the frame on screen and its sample. */
  moment(): VideoMoment {
    const v = this.el;
    const target = (v?.currentTime ?? 0) * 1000;
    if (v && (v.seeking || this.awaitingFrame)) return { ms: target, sample: null, seeking: true };
    const ms = this.presentedMs ?? target;
    const sample = this.sampleAt(ms);
    return { ms, sample: sample && Math.abs(sample.t - ms) <= 1000 / Math.max(1, this.state.fps) + 50 ? sample : null };
  }

  /**
   * The frame on screen as a still, named by the video and its moment ("clip.webm at 3.2 s"): the
   * video is paused first (and a seek under way finished), so the still is the frame the user
   * sees. For the photo path, where each face gets its card and its "Why?" map.
   */
  async frameAsPhoto(): Promise<{ image: ImageBitmap; name: string; faces: { id: number; box: Box }[] }> {
    const v = this.element;
    v.pause();
    if (v.seeking) await new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
    const ms = this.presentedMs ?? v.currentTime * 1000;
    const image = await createImageBitmap(v);
    // The faces as the video numbered them at this moment, so the photo keeps their numbers.
    const sample = this.moment().sample;
    const faces = (sample?.faces ?? []).filter((f) => !f.stale).map((f) => ({ id: f.id, box: { ...f.box } }));
    return { image, name: `${this.state.name ?? 'video'} at ${(ms / 1000).toFixed(1)} s`, faces };
  }

  /** The last moment sent to the listeners: what the overlay shows now (tests read it). */
  shown: VideoMoment | null = null;

  private emitMoment(): void {
    if (!this.momentListeners.size) return;
    const m = this.moment();
    this.shown = m;
    for (const l of this.momentListeners) l(m);
  }

  private set(patch: Partial<VideoState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  /** Load `file` into the element (a local object URL; nothing is uploaded). */
  async open(file: File): Promise<void> {
    const video = this.element;
    this.close();
    this.run++;
    if (!VIDEO_TYPES.test(file.type) && !/\.(webm|mp4|m4v|mov|ogv|mkv)$/i.test(file.name)) {
      this.set({ ...IDLE, phase: 'error', name: file.name, message: errors.notVideo(file.name, file.type).message });
      throw new AppException(errors.notVideo(file.name, file.type));
    }
    this.url = URL.createObjectURL(file);
    video.src = this.url;
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
      this.close();
      const e = errors.videoUnreadable(file.name, (err as Error).message);
      this.set({ ...IDLE, phase: 'error', name: file.name, message: e.message });
      throw new AppException(e);
    }
    this.samples = [];
    this.rows = [];
    this.buffers = null;
    this.set({ ...IDLE, phase: 'ready', name: file.name, durationMs: video.duration * 1000, fps: this.state.fps });
  }

  /** Analyse the loaded video at `fps` samples per second. */
  async analyse(fps: number, filter: FaceFilter, meta: Omit<RecordingMeta, 'kind' | 'source' | 'startedAt' | 'frameWidth' | 'frameHeight'>): Promise<void> {
    const video = this.element;
    if (this.state.phase === 'analysing' || !this.url) return;
    const run = ++this.run;
    this.cancelled = false;
    video.pause();
    const duration = video.duration;
    const times: number[] = [];
    for (let t = 0; t < duration; t += 1 / fps) times.push(t);
    // The camera's tracker (tracker.ts): a scene cut (read from each frame's thumbnail) or a jump
    // farther than a face moves between two samples starts a new identity, so no id, and nothing
    // smoothed, spans two people.
    const tracker = new FaceTracker({ probHalfLifeMs: 0, holdMs: 0, forgetMs: Math.max(1000, 3000 / fps) });
    this.samples = [];
    this.rows = [];
    this.buffers = null;
    this.meta = {
      ...meta,
      kind: 'video',
      source: this.state.name ?? 'video',
      startedAt: new Date().toISOString(),
      frameWidth: video.videoWidth,
      frameHeight: video.videoHeight,
      durationMs: duration * 1000,
    };
    const t0 = performance.now();
    this.set({ phase: 'analysing', done: 0, total: times.length, etaSeconds: null, message: undefined, fps });
    try {
      for (let i = 0; i < times.length; i++) {
        if (this.cancelled || run !== this.run) break;
        const t = times[i] as number;
        video.currentTime = t;
        await once(video, 'seeked');
        const frame = await this.host.analyse(video, 'frame', t * 1000);
        if (run !== this.run) return;
        const tracked = trackFaces(tracker, frame, filter, t * 1000);
        this.samples.push({ t: t * 1000, width: frame.width, height: frame.height, faces: tracked });
        this.rows.push(...rowsOf({ faces: tracked }, t * 1000));
        const done = i + 1;
        this.set({ done, etaSeconds: (((performance.now() - t0) / done) * (times.length - done)) / 1000 });
      }
      if (run !== this.run) return;
      this.set({ phase: this.cancelled ? 'cancelled' : 'done', etaSeconds: null });
      if (this.rows.length && this.meta) void this.sessions?.add(this.meta, [...this.rows], this.state.name);
      this.emitMoment();
    } catch (err) {
      if (run !== this.run) return;
      const e = toAppError(err);
      this.set({ phase: 'error', etaSeconds: null, message: e.message });
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.exportCancel?.();
  }

  private exportCancel: (() => void) | null = null;

  /**
   * The analysed video with its overlay burnt in, as a WebM (with its duration): the video is
   * played through once at normal speed (MediaRecorder records in real time) and each frame is
   * drawn with the overlay of the nearest analysed sample by `drawOverlay` (the UI's drawing,
   * injected). Done in app/, on a canvas of its own, so a tab switch does not spoil it.
   */
  async exportAnnotated(drawOverlay: (ctx: CanvasRenderingContext2D, sample: VideoSample, width: number, height: number) => void): Promise<Blob | null> {
    const v = this.element;
    if (!this.url || this.state.exporting !== null || this.state.phase === 'analysing' || typeof MediaRecorder === 'undefined') return null;
    const run = this.run;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
    const recorder = new MediaRecorder(canvas.captureStream(30), type ? { mimeType: type } : undefined);
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    this.set({ exporting: 0 });
    let raf = 0;
    try {
      v.pause();
      v.currentTime = 0;
      await once(v, 'seeked');
      const draw = () => {
        ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
        const m = this.moment();
        if (m.sample) drawOverlay(ctx, m.sample, canvas.width, canvas.height);
        this.set({ exporting: Math.min(1, v.currentTime / Math.max(0.001, v.duration)) });
        raf = requestAnimationFrame(draw);
      };
      draw();
      recorder.start(1000);
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        let stopped = false;
        // Leaving the tab takes the element out of the page, which pauses it: play on.
        const resume = () => !stopped && !v.ended && void v.play().catch(() => undefined);
        const end = () => {
          stopped = true;
          v.removeEventListener('ended', end);
          v.removeEventListener('pause', resume);
          this.exportCancel = null;
          resolve();
        };
        v.addEventListener('ended', end);
        v.addEventListener('pause', resume);
        this.exportCancel = () => {
          stopped = true;
          v.pause();
          end();
        };
        v.play().catch(reject);
      });
      cancelAnimationFrame(raf);
      const durationMs = performance.now() - t0;
      await new Promise<void>((resolve) => ((recorder.onstop = () => resolve()), recorder.stop()));
      for (const t of recorder.stream.getTracks()) t.stop();
      if (run !== this.run || !chunks.length) return null;
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      return new Blob([withDuration(bytes, durationMs) as Uint8Array<ArrayBuffer>], { type: recorder.mimeType || 'video/webm' });
    } finally {
      cancelAnimationFrame(raf);
      if (recorder.state !== 'inactive') recorder.stop();
      canvas.width = canvas.height = 0;
      this.exportCancel = null;
      if (run === this.run) this.set({ exporting: null });
    }
  }

  /** Per face, the whole analysis's probabilities and valence, for the charts (made once per analysis). */
  faceBuffers(): Map<number, RingBuffer> {
    this.buffers ??= timelineBuffers(this.rows);
    return this.buffers;
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

  /** Show video time `ms` (click-to-seek, keys). */
  seek(ms: number): void {
    const v = this.el;
    if (!v || !this.url || this.state.phase === 'analysing') return;
    v.currentTime = Math.max(0, Math.min(ms, this.state.durationMs)) / 1000;
    // `seeking` is true from here on, but the element's `seeking` event comes in a later task:
    // emit now (moment() reads `seeking`), so the old moment's boxes are wiped at once.
    this.emitMoment();
  }

  close(): void {
    this.run++;
    this.cancelled = true;
    const video = this.el;
    if (video && this.url) {
      video.pause();
      video.removeAttribute('src');
      video.load();
    }
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.presentedMs = null;
    this.awaitingFrame = false;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.samples = [];
    this.rows = [];
    this.buffers = null;
    this.set({ ...IDLE, fps: this.state.fps });
  }
}
