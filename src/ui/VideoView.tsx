import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { APP_VERSION } from '../app/recorder';
import { recordingToCsv, recordingToJson } from '../app/recording';
import { VALENCE_CHANNEL } from '../app/timeline';
import { type VideoAnalysis, type VideoState } from '../app/videoFile';
import { EMOTIONS } from '../engine/emotions';
import { AppException } from '../engine/errors';
import { RingBuffer } from '../engine/ringBuffer';
import { valence } from '../engine/valence';
import { useStore } from '../state/store';
import { useApp } from './context';
import { download } from './download';
import { drawFaces } from './overlay/draw';
import { containTransform } from './overlay/layout';
import { RecordingSummary } from './RecordingPanel';
import { drawTimeline, TimelineCanvas, TimelineLegend } from './TimelineChart';

const RATES = [1, 2, 5, 10];

/** Per face, the whole video's probabilities and valence, for the charts. */
function buffersOf(analysis: VideoAnalysis): Map<number, RingBuffer> {
  const byFace = new Map<number, RingBuffer>();
  const counts = new Map<number, number>();
  for (const row of analysis.rows) counts.set(row.face, (counts.get(row.face) ?? 0) + 1);
  const values = new Float64Array(EMOTIONS.length + 1);
  for (const row of analysis.rows) {
    let b = byFace.get(row.face);
    if (!b) byFace.set(row.face, (b = new RingBuffer(Math.max(1, counts.get(row.face) ?? 1), EMOTIONS.length + 1)));
    row.probs.forEach((p, i) => (values[i] = p));
    values[VALENCE_CHANNEL] = valence(row.probs);
    b.push(row.t, values);
  }
  return byFace;
}

export function VideoView() {
  const { video: analysis } = useApp();
  const [state, setState] = useState<VideoState>(analysis.state);
  const [fps, setFps] = useState(5);
  const [now, setNow] = useState(0);
  const [dragging, setDragging] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const charts = useRef(new Map<number, HTMLCanvasElement>());
  useEffect(() => analysis.subscribe(setState), [analysis]);
  useEffect(() => () => analysis.close(videoRef.current ?? undefined), [analysis]);

  const buffers = useMemo(() => (state.phase === 'done' || state.phase === 'cancelled' ? buffersOf(analysis) : new Map<number, RingBuffer>()), [analysis, state.phase, state.done]);
  const ids = [...buffers.keys()].sort((a, b) => a - b).slice(0, 6);

  // The overlay and the charts' cursor follow the video's time (playing or scrubbed).
  const redraw = useCallback(() => {
    const v = videoRef.current;
    const canvas = overlayRef.current;
    const ctx = canvas?.getContext('2d');
    if (!v || !canvas || !ctx) return;
    const ms = v.currentTime * 1000;
    setNow(ms);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * dpr);
    canvas.height = Math.round(canvas.clientHeight * dpr);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const sample = analysis.sampleAt(ms);
    if (sample && Math.abs(sample.t - ms) <= 1000 / Math.max(1, fps) + 50) {
      drawFaces(ctx, sample.faces, { transform: containTransform(sample.width, sample.height, canvas.width, canvas.height), viewWidth: canvas.width, viewHeight: canvas.height, unit: dpr });
    }
  }, [analysis, fps]);
  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    let raf = 0;
    const loop = () => {
      redraw();
      if (!v.paused && !v.ended) raf = requestAnimationFrame(loop);
    };
    const onPlay = () => (raf = requestAnimationFrame(loop));
    v.addEventListener('seeked', redraw);
    v.addEventListener('timeupdate', redraw);
    v.addEventListener('play', onPlay);
    return () => {
      cancelAnimationFrame(raf);
      v.removeEventListener('seeked', redraw);
      v.removeEventListener('timeupdate', redraw);
      v.removeEventListener('play', onPlay);
    };
  }, [redraw]);
  useEffect(() => {
    for (const id of ids) {
      const c = charts.current.get(id);
      const b = buffers.get(id);
      if (c && b) drawTimeline(c, b, 0, state.durationMs, now);
    }
  });

  const open = async (file: File | undefined) => {
    const v = videoRef.current;
    if (!file || !v) return;
    useStore.getState().clearNotices(['file-not-video', 'video-unreadable']);
    try {
      await analysis.open(file, v);
    } catch (err) {
      if (err instanceof AppException) useStore.getState().report(err.error);
    }
  };
  const start = () => {
    const v = videoRef.current;
    const s = useStore.getState();
    if (!v) return;
    void analysis.analyse(v, fps, { minScore: s.minScore, minSize: s.minSize, hideLowConfidence: s.hideLowConfidence }, { model: s.models.find((m) => m.id === s.modelActive)?.name ?? s.modelActive ?? '', backend: s.backendActive ?? '', appVersion: APP_VERSION });
  };
  const seek = (ms: number) => {
    const v = videoRef.current;
    if (v) v.currentTime = ms / 1000;
  };
  const bind = useCallback(
    (id: number) => (c: HTMLCanvasElement | null) => {
      if (c) charts.current.set(id, c);
      else charts.current.delete(id);
    },
    [],
  );
  const busy = state.phase === 'analysing';
  const base = (state.name ?? 'video').replace(/\.[^.]+$/, '');
  return (
    <section className="video-view" aria-label="Video file" data-testid="video-view" data-phase={state.phase}>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        data-testid="video-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void open(e.dataTransfer.files[0]);
        }}
      >
        <p>Drop a video file here, or</p>
        <button type="button" className="primary" onClick={() => inputRef.current?.click()} disabled={busy}>
          Choose a video…
        </button>
        <input
          ref={inputRef}
          type="file"
          accept="video/*"
          data-testid="video-input"
          aria-label="Choose a video to analyse"
          hidden
          onChange={(e) => {
            void open(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <p className="muted">The video is read by this browser only: nothing is uploaded.</p>
      </div>
      <div className="viewport video-viewport" hidden={state.phase === 'idle' || (state.phase === 'error' && !state.durationMs)}>
        <video ref={videoRef} controls playsInline muted aria-label={state.name ?? 'video'} />
        <canvas ref={overlayRef} className="overlay" aria-hidden="true" />
      </div>
      {state.phase !== 'idle' && state.phase !== 'error' && (
        <div className="video-controls">
          <label htmlFor="video-rate">Analyse</label>
          <select id="video-rate" value={fps} disabled={busy} onChange={(e) => setFps(Number(e.target.value))}>
            {RATES.map((r) => (
              <option key={r} value={r}>
                {r} frame{r > 1 ? 's' : ''} a second
              </option>
            ))}
          </select>
          {busy ? (
            <button type="button" data-testid="video-cancel" onClick={() => analysis.cancel()}>
              Cancel
            </button>
          ) : (
            <button type="button" className="primary" data-testid="video-analyse" onClick={start}>
              {state.phase === 'ready' ? 'Analyse the video' : 'Analyse again'}
            </button>
          )}
          {(busy || state.done > 0) && (
            <>
              <progress data-testid="video-progress" max={state.total} value={state.done} aria-label="Analysis progress" />
              <span role="status" data-testid="video-status">
                {state.done} of {state.total} frames ({state.total ? Math.round((state.done / state.total) * 100) : 0}%)
                {busy && state.etaSeconds !== null ? `, about ${Math.ceil(state.etaSeconds)} s left` : ''}
                {state.phase === 'cancelled' ? ', cancelled' : ''}
              </span>
            </>
          )}
        </div>
      )}
      {state.phase === 'error' && state.message && <p className="photo-error">{state.message}</p>}
      {(state.phase === 'done' || state.phase === 'cancelled') && (
        <div className="video-result">
          <label htmlFor="video-scrub">Moment: {(now / 1000).toFixed(1)} s</label>
          <input id="video-scrub" data-testid="video-scrub" type="range" min={0} max={Math.max(0, state.durationMs)} step={10} value={Math.min(now, state.durationMs)} onChange={(e) => seek(Number(e.target.value))} />
          <div className="timeline-panel" data-testid="video-timeline" data-faces={ids.length} data-points={analysis.rows.length}>
            <div>
              <TimelineLegend />
              {ids.length === 0 && <p className="muted">No face was found in the analysed frames.</p>}
              {ids.map((id) => (
                <figure key={id} className="timeline-face">
                  <figcaption>Face #{id} — whole video</figcaption>
                  <TimelineCanvas label={`Emotions of face ${id} over the video`} onCanvas={bind(id)} />
                </figure>
              ))}
            </div>
          </div>
          <RecordingSummary rows={analysis.rows} />
          <div className="rec-actions">
            <button type="button" onClick={() => download(new Blob([recordingToCsv(analysis.rows)], { type: 'text/csv' }), `${base}-emotions.csv`)}>
              Export CSV
            </button>
            <button type="button" onClick={() => analysis.meta && download(new Blob([recordingToJson(analysis.rows, analysis.meta)], { type: 'application/json' }), `${base}-emotions.json`)}>
              Export JSON
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
