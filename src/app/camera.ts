/**
 * The camera: open a stream (chosen device or the default front camera), list devices, notice
 * when the camera goes away, and run a per-frame loop that never queues work.
 */
import { AppException, cameraError, errors } from '../state/errors';
import type { CameraDevice } from '../state/store';

export async function listCameras(): Promise<CameraDevice[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'videoinput').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

export class CameraSession {
  private stream: MediaStream | null = null;
  private endedHandler: (() => void) | null = null;

  constructor(private readonly video: HTMLVideoElement) {}

  get active(): boolean {
    return !!this.stream && this.stream.getVideoTracks().some((t) => t.readyState === 'live');
  }

  /** The live video track, while the camera is open. */
  get track(): MediaStreamTrack | null {
    return this.stream?.getVideoTracks()[0] ?? null;
  }

  get deviceId(): string | null {
    return this.stream?.getVideoTracks()[0]?.getSettings().deviceId ?? null;
  }

  /**
   * Open the camera into the video element. Throws AppException with the user-facing reason.
   * `isCurrent` is asked once the stream arrives: a start the user has since cancelled releases
   * its stream at once and never touches the video element (resolves with false).
   */
  async start(deviceId: string | null, onEnded: () => void, isCurrent: () => boolean = () => true): Promise<boolean> {
    this.stop();
    if (!navigator.mediaDevices?.getUserMedia) throw new AppException(errors.cameraUnsupported());
    const video: MediaTrackConstraints = deviceId
      ? { deviceId: { exact: deviceId }, width: { ideal: 1280 }, height: { ideal: 720 } }
      : { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } };
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    } catch (err) {
      throw new AppException(cameraError(err));
    }
    if (!isCurrent()) {
      for (const track of stream.getTracks()) track.stop();
      return false;
    }
    this.stream = stream;
    this.endedHandler = () => {
      if (this.stream === stream) onEnded();
    };
    for (const track of stream.getVideoTracks()) track.addEventListener('ended', this.endedHandler);
    this.video.srcObject = stream;
    this.video.muted = true;
    this.video.playsInline = true;
    try {
      await this.video.play();
    } catch (err) {
      if ((err as DOMException).name !== 'AbortError') throw new AppException(cameraError(err));
    }
    if (!this.video.videoWidth && this.stream === stream) {
      await new Promise<void>((resolve) => this.video.addEventListener('loadeddata', () => resolve(), { once: true }));
    }
    return true;
  }

  stop(): void {
    if (!this.stream) return;
    for (const track of this.stream.getTracks()) {
      if (this.endedHandler) track.removeEventListener('ended', this.endedHandler);
      track.stop();
    }
    if (this.video.srcObject === this.stream) this.video.srcObject = null;
    this.stream = null;
  }
}

/**
 * Call `tick` once per new video frame (requestVideoFrameCallback where the browser has it,
 * requestAnimationFrame otherwise). A tick that is still running when the next frame comes makes
 * that frame be skipped (`onDrop`), never queued. `tick` reports its own errors (it does not
 * reject), as in trackFrameLoop. Returns a function that stops the loop.
 */
export function frameLoop(video: HTMLVideoElement, tick: (now: number) => Promise<void>, onDrop: () => void): () => void {
  let stopped = false;
  let running = false;
  let handle = 0;
  const hasRvfc = 'requestVideoFrameCallback' in HTMLVideoElement.prototype;
  let lastTime = -1;
  const schedule = () => {
    if (stopped) return;
    handle = hasRvfc ? video.requestVideoFrameCallback(onFrame) : requestAnimationFrame(() => onFrame(performance.now()));
  };
  const onFrame = (now: number) => {
    schedule();
    if (!hasRvfc && video.currentTime === lastTime) return; // no new frame since the last tick
    lastTime = video.currentTime;
    if (running) {
      onDrop();
      return;
    }
    running = true;
    void tick(now).finally(() => {
      running = false;
    });
  };
  schedule();
  return () => {
    stopped = true;
    if (hasRvfc) video.cancelVideoFrameCallback(handle);
    else cancelAnimationFrame(handle);
  };
}

type TrackProcessor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> };

/** Can this browser hand the page a camera track's own frames (MediaStreamTrackProcessor)? */
export function hasTrackFrames(scope: object = globalThis): boolean {
  return typeof (scope as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor === 'function' && typeof VideoFrame === 'function';
}

/**
 * The same loop on the camera track's own frames (MediaStreamTrackProcessor): `tick` gets each
 * VideoFrame and owns it (must close it); a frame that comes while a tick runs is closed unread and
 * counted as dropped, never queued. No bitmap of the <video> is made: the engine reads a frame's
 * pixels by copy (engine/frameReader.ts), which spares Chromium's shared-memory copy of every frame
 * (docs/speed.md). The <video> still shows the stream. The loop ends when the track ends or the
 * returned function is called. Only where hasTrackFrames().
 */
export function trackFrameLoop(track: MediaStreamTrack, tick: (frame: VideoFrame, now: number) => Promise<void>, onDrop: () => void): () => void {
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor: TrackProcessor }).MediaStreamTrackProcessor;
  const reader = new Processor({ track }).readable.getReader();
  let stopped = false;
  let running = false;
  void (async () => {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done) return;
      if (stopped || running) {
        frame.close();
        if (!stopped) onDrop();
        continue;
      }
      running = true;
      void tick(frame, performance.now()).finally(() => {
        running = false;
      });
    }
  })().catch(() => undefined); // the reader fails once the track is stopped: the loop is over
  return () => {
    stopped = true;
    reader.cancel().catch(() => undefined);
  };
}
