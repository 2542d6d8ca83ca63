import { useEffect, useRef, useState } from 'react';
import { BoxMotion } from '../engine';
import { useStore } from '../state/store';
import type { RestingMode } from '../state/settings';
import { useApp } from './context';
import { LiveTimelinePanel } from './LiveTimelinePanel';
import { drawFaces, OLD_LABEL_MS } from './overlay/draw';
import { LastRecording, RecordControls } from './RecordingPanel';
import { containTransform } from './overlay/layout';
import { prepareCanvas } from './overlay/canvasSize';

/**
 * Draws the latest frame's faces over the video at display rate (requestAnimationFrame), outside
 * React. Boxes glide toward each new result (BoxMotion), so a face is followed between analyses.
 * A cleared frame (camera stopped, tab left) clears the canvas at once: no ghost box stays.
 */
function useOverlay(canvasRef: React.RefObject<HTMLCanvasElement | null>, noFaceRef: React.RefObject<HTMLDivElement | null>) {
  const { bus } = useApp();
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const motion = new BoxMotion();
    let raf = 0;
    let ageTimer: ReturnType<typeof setTimeout> | 0 = 0;
    const draw = () => {
      raf = 0;
      const frame = bus.frame;
      const { w, h, dpr } = prepareCanvas(canvas, ctx);
      if (noFaceRef.current) noFaceRef.current.hidden = !frame || frame.faces.length > 0;
      if (!frame) {
        motion.clear();
        return;
      }
      const now = performance.now();
      const faces = frame.faces.map((f) => ({ ...f, box: motion.at(f.id, now) ?? f.box }));
      const { mirror, minScore } = useStore.getState();
      const transform = containTransform(frame.width, frame.height, w, h, mirror);
      drawFaces(ctx, faces, { transform, viewWidth: w, viewHeight: h, unit: dpr, minScore, ageMs: now - frame.time });
      if (motion.moving()) schedule();
      // Redrawn a few times a second while the labels age, so "1.4 s ago" stays true until the next result.
      else if (!ageTimer && now - frame.time >= OLD_LABEL_MS - 250) ageTimer = setTimeout(() => ((ageTimer = 0), schedule()), 200);
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(draw);
    };
    const off = bus.subscribe((frame) => {
      motion.setTargets(frame?.faces ?? []);
      if (!frame)
        draw(); // cleared: wipe now, not at the next frame
      else schedule();
    });
    const resize = new ResizeObserver(schedule);
    resize.observe(canvas);
    const offMirror = useStore.subscribe((s, p) => s.mirror !== p.mirror && schedule());
    return () => {
      off();
      offMirror();
      resize.disconnect();
      if (raf) cancelAnimationFrame(raf);
      if (ageTimer) clearTimeout(ageTimer);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    };
  }, [bus, canvasRef, noFaceRef]);
}

/**
 * How the camera reads faces: as the model reads them, or each against its own resting face (the
 * face's first seconds, or the moment the user presses "This is my resting face"). Shown where the
 * running model gives a resting-face reference.
 */
function RestingControls({ running }: { running: boolean }) {
  const { live } = useApp();
  const mode = useStore((s) => s.restingMode);
  const rest = useStore((s) => s.camera.rest);
  const available = useStore((s) => s.models.some((m) => m.id === s.modelActive && m.restingReference));
  if (!available) return null;
  return (
    <>
      <span className="resting-mode">
        <label htmlFor="resting-mode">Read faces</label>
        <select id="resting-mode" data-testid="resting-mode" value={mode} onChange={(e) => useStore.getState().setRestingMode(e.target.value as RestingMode)}>
          <option value="off">as they are</option>
          <option value="auto">against each face's first 3 s</option>
          <option value="manual">against my resting face</option>
        </select>
      </span>
      {mode === 'manual' && running && (
        <button type="button" data-testid="resting-capture" data-rest={rest} disabled={rest === 'capturing'} onClick={() => live.captureRestingFace()}>
          {rest === 'capturing' ? 'Hold still…' : rest === 'set' ? 'Set my resting face again' : 'This is my resting face'}
        </button>
      )}
      {mode === 'manual' && running && rest === 'missed' && (
        <span className="muted" role="status" data-testid="resting-missed">
          No face was in view: face the camera and press again.
        </span>
      )}
    </>
  );
}

export function CameraView() {
  const { live } = useApp();
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const noFaceRef = useRef<HTMLDivElement>(null);
  const camera = useStore((s) => s.camera);
  const mirror = useStore((s) => s.mirror);
  const [timelineOpen, setTimelineOpen] = useState(false);
  useOverlay(canvasRef, noFaceRef);

  useEffect(() => {
    void live.refreshCameras();
    const onChange = () => void live.refreshCameras();
    navigator.mediaDevices?.addEventListener?.('devicechange', onChange);
    return () => {
      navigator.mediaDevices?.removeEventListener?.('devicechange', onChange);
      live.stop(); // leaving the camera tab releases the camera, even one still opening
    };
  }, [live]);

  const running = camera.phase === 'running';
  const starting = camera.phase === 'starting';
  const start = () => videoRef.current && void live.start(videoRef.current);
  return (
    <section className="camera-view" aria-label="Camera">
      <div className="camera-controls">
        <button type="button" className="primary" data-testid="camera-toggle" onClick={running || starting ? () => live.stop() : start}>
          {running ? 'Stop camera' : starting ? 'Starting… (cancel)' : 'Start camera'}
        </button>
        <RecordControls video={videoRef} overlay={canvasRef} />
        <button type="button" aria-expanded={timelineOpen} data-testid="timeline-toggle" onClick={() => setTimelineOpen((o) => !o)}>
          {timelineOpen ? 'Hide timeline' : 'Show timeline'}
        </button>
        <RestingControls running={running} />
        {camera.devices.length > 1 && (
          <>
            <label htmlFor="camera-picker">Camera</label>
            <select
              id="camera-picker"
              value={camera.deviceId ?? ''}
              onChange={(e) => {
                useStore.getState().setCamera({ deviceId: e.target.value });
                if (running && videoRef.current) {
                  live.stop();
                  void live.start(videoRef.current, e.target.value);
                }
              }}
            >
              {camera.devices.map((d) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      <div className="viewport" data-testid="camera-viewport" data-running={running}>
        <video ref={videoRef} className={mirror ? 'mirrored' : undefined} muted playsInline aria-label="Camera preview" />
        <canvas ref={canvasRef} className="overlay" data-testid="overlay" aria-hidden="true" />
        <div ref={noFaceRef} className="badge" data-testid="no-face" hidden>
          No face in view — face the camera, with light on your face.
        </div>
        {!running && (
          <div className="idle-hint">
            <p>
              Press <strong>Start camera</strong>. The video stays in this browser; only boxes and bars are drawn over it.
            </p>
          </div>
        )}
      </div>
      <LiveTimelinePanel open={timelineOpen} />
      <LastRecording />
    </section>
  );
}
