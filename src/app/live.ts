/**
 * The live camera view's logic, outside React: open and close the camera (never twice, never left
 * on behind the user's back), feed frames to the engine one at a time (a frame that comes while
 * one is being analysed is skipped, never queued), track faces across frames and publish them on
 * the frame bus for the overlay, stats panel and live region.
 *
 * Every start has a generation number; stop() and dispose() move it on, so a start that is still
 * waiting for getUserMedia when the user stops, switches tab or starts again releases the stream it
 * gets instead of showing it.
 */
import { errors, toAppError } from '../state/errors';
import { type FaceFilter, type FaceResult, type FrameResult, topEmotion } from '../engine';
import type { RestCapture, Store } from '../state/store';
import { CameraSession, frameLoop, listCameras, trackFrameLoop } from './camera';
import type { EngineHost } from './engineHost';
import type { FrameBus } from './frameBus';
import { FaceTracker } from '../engine';
import { trackFaces } from './trackFaces';
import { RestingFaces } from './restingFaces';

/** The running model's resting-face reference, from the model list (null: it has none). */
function referenceOf(s: { models: readonly { id: string; restingReference?: number[] }[]; modelActive: string | null }): number[] | null {
  return s.models.find((m) => m.id === s.modelActive)?.restingReference ?? null;
}

export class LiveView {
  private generation = 0;
  private camera: CameraSession | null = null;
  private stopLoop: (() => void) | null = null;
  private starting: { generation: number; done: Promise<void> } | null = null;
  private readonly tracker = new FaceTracker();
  private readonly offSettings: () => void;
  /** Each face read against its own resting face, where the user asked for it (restingFaces.ts). */
  private readonly resting: RestingFaces;
  private reference: number[] | null;
  /** "This is my resting face" was pressed: the next analysed frame starts the capture (frame time). */
  private captureAsked = false;
  /** Faces seen while the resting face was being learnt. */
  private captured = 0;
  /** Analysed camera frames (tests and benchmarks read it). */
  frames = 0;
  /**
   * Where frames come from: the camera track's own VideoFrames, which the engine reads by copy
   * (no per-frame bitmap, so no shared-memory copy of each frame in Chromium: docs/speed.md),
   * or, where the browser cannot hand them out, bitmaps of the <video> on each presented frame.
   */
  readonly frameSource: 'track' | 'video';

  constructor(
    private readonly store: Store,
    private readonly host: EngineHost,
    private readonly bus: FrameBus,
    options: { trackFrames?: boolean } = {},
  ) {
    this.frameSource = options.trackFrames ? 'track' : 'video';
    this.tracker.setOptions({ probHalfLifeMs: store.getState().smoothingMs });
    const s0 = store.getState();
    this.reference = referenceOf(s0);
    this.resting = new RestingFaces(this.reference && Float32Array.from(this.reference), s0.restingMode);
    this.offSettings = store.subscribe((s, p) => {
      if (s.smoothingMs !== p.smoothingMs) this.tracker.setOptions({ probHalfLifeMs: s.smoothingMs });
      if (s.restingMode !== p.restingMode) {
        this.resting.setMode(s.restingMode);
        this.setRest('none');
      }
      // Another model: its readings are not the old one's, so every resting face is learnt again.
      const reference = referenceOf(s);
      if (s.modelActive !== p.modelActive || String(reference) !== String(this.reference)) {
        this.reference = reference;
        this.resting.setNeutral(reference);
        this.setRest('none');
      }
    });
  }

  private get s() {
    return this.store.getState();
  }

  async refreshCameras(): Promise<void> {
    try {
      this.s.setCamera({ devices: await listCameras() });
    } catch {
      /* enumerateDevices is best effort */
    }
  }

  /** Open the camera into `video` and start analysing. A second call while starting is the same call. */
  start(video: HTMLVideoElement, deviceId: string | null = this.s.camera.deviceId): Promise<void> {
    // A start already under way (and not cancelled since) is this start.
    if (this.starting && this.starting.generation === this.generation) return this.starting.done;
    if (this.camera && deviceId === this.s.camera.deviceId) return Promise.resolve();
    this.halt();
    const generation = ++this.generation;
    const done = this.open(video, deviceId, generation).finally(() => {
      if (this.starting?.generation === generation) this.starting = null;
    });
    this.starting = { generation, done };
    return done;
  }

  private async open(video: HTMLVideoElement, deviceId: string | null, generation: number): Promise<void> {
    const s = this.s;
    s.setCamera({ phase: 'starting' });
    s.clearNotices(['camera-denied', 'camera-missing', 'camera-busy', 'camera-ended', 'camera-unsupported']);
    const camera = new CameraSession(video);
    try {
      const opened = await camera.start(
        deviceId,
        () => {
          if (this.camera !== camera) return;
          this.stop();
          this.s.report(errors.cameraEnded());
          this.s.setCamera({ phase: 'error' });
          void this.refreshCameras();
        },
        () => generation === this.generation,
      );
      if (!opened) return;
    } catch (err) {
      camera.stop();
      if (generation !== this.generation) return; // stopped meanwhile: nothing to report
      this.s.setCamera({ phase: 'error' });
      this.s.report(toAppError(err));
      return;
    }
    if (generation !== this.generation) {
      camera.stop(); // the user stopped, switched tab or started again while the camera opened
      return;
    }
    this.camera = camera;
    this.s.setCamera({ phase: 'running', deviceId: camera.deviceId });
    void this.refreshCameras(); // labels become available once permission is granted
    this.tracker.reset();
    this.bus.clear();
    // One frame in flight: either loop never starts a tick while the last one runs (it drops the
    // frame and says so), so nothing here counts frames in flight again.
    const analyse = async (source: HTMLVideoElement | VideoFrame, now: number) => {
      if (generation !== this.generation) return;
      try {
        const frame = await this.host.analyse(source, 'frame', now);
        if (generation !== this.generation) return;
        this.publish(frame, now);
      } catch (err) {
        if (generation !== this.generation) return;
        const notice = toAppError(err);
        if (notice.code !== 'engine-busy') this.s.report(notice);
        if (this.s.engine.phase === 'failed') this.stop();
      }
    };
    const drop = () => this.bus.drop();
    const track = camera.track;
    this.stopLoop =
      this.frameSource === 'track' && track
        ? trackFrameLoop(track, (frame, now) => analyse(frame, now).finally(() => frame.close()), drop)
        : frameLoop(video, (now) => (video.videoWidth ? analyse(video, now) : Promise.resolve()), drop);
  }

  private publish(frame: FrameResult, now: number): void {
    const s = this.s;
    const filter: FaceFilter = { minScore: s.minScore, minSize: s.minSize, hideLowConfidence: s.hideLowConfidence };
    // The first frame of a recording (a frame taken before it, still being analysed, is not).
    if (this.renumberAt !== null && frame.time >= this.renumberAt) {
      this.tracker.renumber();
      this.renumberAt = null;
    }
    if (this.captureAsked) {
      this.captureAsked = false;
      this.resting.capture(now);
      this.captured = 0;
    }
    const keys: number[] = [];
    const faces = trackFaces(this.tracker, frame, filter, now, (face, key) => {
      keys.push(key);
      if (!face.stale && this.resting.capturing(now)) this.captured++;
      return this.read(face, key, now);
    });
    this.resting.keep(keys);
    if (this.s.camera.rest === 'capturing' && !this.resting.capturing(now)) this.setRest(this.captured > 0 ? 'set' : 'missed');
    this.frames++;
    this.bus.publish({ ...frame, faces }, { tensors: frame.tensors, backend: frame.backend });
  }

  /** A face as it is to be shown: against its resting face where there is one (restingFaces.ts). */
  private read(face: FaceResult, key: number, now: number): FaceResult {
    const { probs, state } = this.resting.read(key, face.probs, now);
    if (state === 'raw') return face;
    return { ...face, probs, top: topEmotion(probs), reading: state };
  }

  /** "This is my resting face": every face in view over the next moment is learnt as at rest
   *  (the 'manual' resting mode), and read against it from then on. */
  captureRestingFace(): void {
    if (this.s.restingMode !== 'manual' || !this.resting.available) return;
    this.captureAsked = true;
    this.setRest('capturing');
  }

  private setRest(rest: RestCapture): void {
    if (this.s.camera.rest !== rest) this.s.setCamera({ rest });
  }

  /** Stop analysing and release the camera; the overlay and stats are cleared. */
  stop(): void {
    this.generation++;
    this.halt();
    this.bus.clear();
    const phase = this.s.camera.phase;
    if (phase === 'running' || phase === 'starting') this.s.setCamera({ phase: 'idle' });
  }

  private halt(): void {
    this.stopLoop?.();
    this.stopLoop = null;
    this.camera?.stop();
    this.camera = null;
    this.tracker.reset();
    this.resting.reset();
    this.captureAsked = false;
    this.setRest('none');
  }

  /** Frames taken from this time on number their faces from 1 again (a recording begins then). */
  private renumberAt: number | null = null;

  /** Number faces from 1 again from the frame taken at `time` on (a recording begins: its faces are 1..n, as on screen). */
  renumberFrom(time: number): void {
    this.renumberAt = time;
  }

  /** The latest frame's faces, as plain data (tests and benchmarks read it). */
  latestFaces() {
    return (this.bus.frame?.faces ?? []).map((f) => ({
      id: f.id,
      top: f.top.emotion,
      probability: f.top.probability,
      probs: Array.from(f.probs),
      stale: f.stale,
      score: f.score,
      reading: f.reading ?? 'raw',
    }));
  }

  dispose(): void {
    this.stop();
    this.offSettings();
  }
}
