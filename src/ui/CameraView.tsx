import { useEffect, useRef } from 'react';
import { frameBus } from '../app/frameBus';
import { refreshCameras, startCamera, stopCamera } from '../app/controller';
import { useStore } from '../state/store';
import { drawFaces } from './overlay/draw';
import { containTransform } from './overlay/layout';

/** Draws the latest frame's faces on a canvas over the video, outside React's render cycle. */
function useOverlay(canvasRef: React.RefObject<HTMLCanvasElement | null>, noFaceRef: React.RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let raf = 0;
    const draw = () => {
      raf = 0;
      const frame = frameBus.frame;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(canvas.clientWidth * dpr);
      const h = Math.round(canvas.clientHeight * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      ctx.clearRect(0, 0, w, h);
      if (noFaceRef.current) noFaceRef.current.hidden = !frame || frame.faces.length > 0;
      if (!frame) return;
      const transform = containTransform(frame.width, frame.height, w, h, useStore.getState().mirror);
      drawFaces(ctx, frame.faces, { transform, viewWidth: w, viewHeight: h, unit: dpr });
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(draw);
    };
    const off = frameBus.subscribe(schedule);
    const resize = new ResizeObserver(schedule);
    resize.observe(canvas);
    const offMirror = useStore.subscribe((s, p) => s.mirror !== p.mirror && schedule());
    return () => {
      off();
      offMirror();
      resize.disconnect();
      if (raf) cancelAnimationFrame(raf);
    };
  }, [canvasRef, noFaceRef]);
}

export function CameraView() {
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const noFaceRef = useRef<HTMLDivElement>(null);
  const camera = useStore((s) => s.camera);
  const mirror = useStore((s) => s.mirror);
  useOverlay(canvasRef, noFaceRef);

  useEffect(() => {
    void refreshCameras();
    const onChange = () => void refreshCameras();
    navigator.mediaDevices?.addEventListener?.('devicechange', onChange);
    return () => {
      navigator.mediaDevices?.removeEventListener?.('devicechange', onChange);
      stopCamera(); // leaving the camera tab releases the camera
    };
  }, []);

  const running = camera.phase === 'running';
  const start = () => videoRef.current && void startCamera(videoRef.current);
  return (
    <section className="camera-view" aria-label="Camera">
      <div className="camera-controls">
        <button type="button" className="primary" data-testid="camera-toggle" disabled={camera.phase === 'starting'} onClick={running ? stopCamera : start}>
          {running ? 'Stop camera' : camera.phase === 'starting' ? 'Starting…' : 'Start camera'}
        </button>
        {camera.devices.length > 1 && (
          <>
            <label htmlFor="camera-picker">Camera</label>
            <select
              id="camera-picker"
              value={camera.deviceId ?? ''}
              onChange={(e) => {
                useStore.getState().setCamera({ deviceId: e.target.value });
                if (running && videoRef.current) void startCamera(videoRef.current, e.target.value);
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
            <p>Press <strong>Start camera</strong>. The video stays in this browser; only boxes and bars are drawn over it.</p>
          </div>
        )}
      </div>
    </section>
  );
}
