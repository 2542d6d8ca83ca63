import { useCallback, useEffect, useRef, useState } from 'react';
import { APP_VERSION } from '../app/recorder';
import { recordingToCsv, recordingToJson } from '../app/recording';
import { exportName } from '../app/results';
import type { VideoMoment } from '../app/videoFile';
import { AppException, toAppError } from '../state/errors';
import { useStore } from '../state/store';
import { useApp } from './context';
import { download } from './download';
import { drawFaces } from './overlay/draw';
import { containTransform } from './overlay/layout';
import { RecordingSummary } from './SessionsPanel';
import { ChartFrame, drawTimeline, momentInWords, secondsLabel, TimeAxis, TimelineLegend } from './TimelineChart';
import { useSubscribed } from './useSubscribed';
import { prepareCanvas } from './overlay/canvasSize';
import { useDropzone } from './useDropzone';

const RATES = [1, 2, 5, 10];

/**
 * The Video file tab. The analysis, its <video> element and its results live in app/
 * (videoFile.ts): this view only shows them, so leaving the tab loses nothing and an analysis
 * goes on. The overlay and the charts' cursors are drawn from the analysis's moment bus (no React
 * state per frame); a chart is the timeline: click or arrow keys to seek, with a time axis.
 */
export function VideoView() {
  const { video: analysis, photos } = useApp();
  const state = useSubscribed(analysis, () => analysis.state);
  const modelNow = useStore((s) => s.models.find((m) => m.id === s.modelActive)?.name ?? s.modelActive);
  const [fps, setFps] = useState(state.fps);
  const slotRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const momentRef = useRef<HTMLOutputElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const charts = useRef(new Map<number, { canvas: HTMLCanvasElement; cursor: HTMLDivElement; track: HTMLDivElement }>());
  const finished = state.phase === 'done' || state.phase === 'cancelled';
  const buffers = finished ? analysis.faceBuffers() : null;
  const within = 1000 / Math.max(1, state.fps) + 50;
  const ids = buffers ? [...buffers.keys()].sort((a, b) => a - b) : [];

  // The app's video element lives in this view while it is shown.
  useEffect(() => {
    const slot = slotRef.current;
    const v = analysis.element;
    if (!slot) return;
    v.controls = true;
    slot.prepend(v);
    return () => v.remove();
  }, [analysis]);
  useEffect(() => analysis.element.setAttribute('aria-label', state.name ?? 'video'), [analysis, state.name]);

  // Charts: drawn once per result (and on resize); the cursor is a line moved by the moment bus.
  useEffect(() => {
    if (!buffers) return;
    const draw = () => {
      for (const [id, c] of charts.current) {
        const b = buffers.get(id);
        if (b) drawTimeline(c.canvas, b, 0, state.durationMs);
      }
    };
    draw();
    const ro = new ResizeObserver(draw);
    for (const c of charts.current.values()) ro.observe(c.canvas);
    return () => ro.disconnect();
  }, [buffers, state.durationMs, ids.length]);

  // Overlay, moment text and cursors, from the moment bus.
  useEffect(() => {
    const canvas = overlayRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let last: VideoMoment = analysis.moment();
    const draw = (m: VideoMoment) => {
      last = m;
      const { w, h, dpr } = prepareCanvas(canvas, ctx);
      if (m.sample)
        drawFaces(ctx, m.sample.faces, { transform: containTransform(m.sample.width, m.sample.height, w, h), viewWidth: w, viewHeight: h, unit: dpr, minScore: useStore.getState().minScore });
      const total = analysis.state.durationMs;
      if (momentRef.current) momentRef.current.textContent = `${secondsLabel(m.ms)} of ${secondsLabel(total)}`;
      const at = total > 0 ? Math.min(1, m.ms / total) : 0;
      const faces = analysis.state.phase === 'done' || analysis.state.phase === 'cancelled' ? analysis.faceBuffers() : null;
      for (const [id, c] of charts.current) {
        c.cursor.style.left = `${at * 100}%`;
        c.track.setAttribute('aria-valuenow', String(Math.round(m.ms)));
        // A step says the moment and what the face shows then, not only the time.
        c.track.setAttribute('aria-valuetext', momentInWords(faces?.get(id), m.ms, 1000 / Math.max(1, analysis.state.fps) + 50));
      }
    };
    draw(last);
    const off = analysis.subscribeMoment(draw);
    const ro = new ResizeObserver(() => draw(last));
    ro.observe(canvas);
    return () => {
      off();
      ro.disconnect();
    };
  }, [analysis, ids.length, finished]);

  const open = async (file: File | undefined) => {
    if (!file) return;
    useStore.getState().clearNotices(['file-not-video', 'video-unreadable']);
    try {
      await analysis.open(file);
    } catch (err) {
      if (err instanceof AppException) useStore.getState().report(err.error);
    }
  };
  const dropzone = useDropzone((files) => void open(files[0]));

  const start = () => {
    const s = useStore.getState();
    void analysis.analyse(
      fps,
      { minScore: s.minScore, minSize: s.minSize, hideLowConfidence: s.hideLowConfidence },
      { model: s.models.find((m) => m.id === s.modelActive)?.name ?? s.modelActive ?? '', backend: s.backendActive ?? '', appVersion: APP_VERSION },
    );
  };
  const bind = useCallback(
    (id: number) => (track: HTMLDivElement | null) => {
      if (!track) return void charts.current.delete(id);
      const canvas = track.querySelector('canvas');
      const cursor = track.querySelector<HTMLDivElement>('.cursor');
      if (canvas && cursor) charts.current.set(id, { canvas, cursor, track });
    },
    [],
  );
  const seekFromPointer = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    analysis.seek(((e.clientX - r.left) / Math.max(1, r.width)) * state.durationMs);
  };
  const onKey = (e: React.KeyboardEvent) => {
    const now = analysis.element.currentTime * 1000;
    const step = 1000 / Math.max(1, state.fps); // one analysed sample
    const to =
      e.key === 'ArrowRight'
        ? now + step
        : e.key === 'ArrowLeft'
          ? now - step
          : e.key === 'PageUp'
            ? now + state.durationMs / 10
            : e.key === 'PageDown'
              ? now - state.durationMs / 10
              : e.key === 'Home'
                ? 0
                : e.key === 'End'
                  ? state.durationMs
                  : null;
    if (to === null) return;
    e.preventDefault();
    analysis.seek(to);
  };
  const exportAnnotated = async () => {
    const minScore = useStore.getState().minScore;
    const blob = await analysis.exportAnnotated((ctx, sample, w, h) => {
      const unit = Math.max(1, Math.max(w, h) / 1000);
      drawFaces(ctx, sample.faces, { transform: containTransform(sample.width, sample.height, w, h), viewWidth: w, viewHeight: h, unit, minScore });
    });
    if (blob) download(blob, exportName(base, 'webm'));
  };
  const busy = state.phase === 'analysing';
  const exporting = state.exporting !== null;
  const base = state.name ?? 'video';
  return (
    <section className="video-view" aria-label="Video file" data-testid="video-view" data-phase={state.phase}>
      <h2 className="sr-only">Video file</h2>
      <div {...dropzone} className={`${dropzone.className}${state.phase !== 'idle' ? ' compact' : ''}`} data-testid="video-dropzone">
        <p className="hint">{state.phase !== 'idle' ? 'Another video: drop it here, or' : 'Drop a video file here, or'}</p>
        <button type="button" className={state.phase === 'idle' ? 'primary' : undefined} onClick={() => inputRef.current?.click()} disabled={busy || exporting}>
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
        <p className="muted hint">{state.phase === 'idle' ? 'The video is read by this browser only: nothing is uploaded.' : 'Read in this browser only.'}</p>
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
            <button type="button" className="primary" data-testid="video-analyse" onClick={start} disabled={exporting}>
              {state.phase === 'ready' ? 'Analyse the video' : 'Analyse again'}
            </button>
          )}
          <button
            type="button"
            data-testid="video-frame-photo"
            disabled={busy || exporting}
            title="Analyse the frame on screen as a photo: every face, with “Why?” for each"
            onClick={() =>
              void analysis.frameAsPhoto().then(
                ({ image, name, faces }) => {
                  useStore.getState().setMode('photo');
                  return photos.analyseImage(image, name, faces);
                },
                (err: unknown) => useStore.getState().report(toAppError(err)),
              )
            }
          >
            This frame as a photo
          </button>
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
      <div ref={slotRef} className="viewport video-viewport" hidden={state.phase === 'idle' || (state.phase === 'error' && !state.durationMs)}>
        <canvas ref={overlayRef} className="overlay" aria-hidden="true" />
      </div>
      {state.phase === 'error' && state.message && <p className="photo-error">{state.message}</p>}
      {finished && analysis.meta && modelNow && analysis.meta.model !== modelNow && (
        <p className="stale-note" data-testid="video-old-model">
          Analysed with {analysis.meta.model}; the model now in use is {modelNow}. Press “Analyse again” to read the video with it.
        </p>
      )}
      {finished && (
        <div className="video-result">
          <div className="timeline-panel" data-testid="video-timeline" data-faces={ids.length} data-points={analysis.rows.length}>
            <div>
              <p className="muted timeline-help">
                Shown: <output ref={momentRef} data-testid="video-moment" /> · click a chart, or use ← → (one analysed frame), to move through the video.
              </p>
              <TimelineLegend />
              {ids.length === 0 && <p className="muted">No face was found in the analysed frames.</p>}
              {ids.map((id) => (
                <figure key={id} className="timeline-face">
                  <figcaption>Face #{id}</figcaption>
                  <ChartFrame axis={<TimeAxis durationMs={state.durationMs} />} valueAt={(f) => momentInWords(buffers?.get(id), f * state.durationMs, within)}>
                    <div
                      ref={bind(id)}
                      className="timeline-track"
                      role="slider"
                      tabIndex={0}
                      data-testid="video-chart"
                      aria-label={`Face ${id} over the video: the video's position`}
                      aria-valuemin={0}
                      aria-valuemax={Math.round(state.durationMs)}
                      onClick={seekFromPointer}
                      onKeyDown={onKey}
                    >
                      <canvas className="timeline-canvas" aria-hidden="true" />
                      <div className="cursor" aria-hidden="true" />
                    </div>
                  </ChartFrame>
                </figure>
              ))}
            </div>
          </div>
          <RecordingSummary rows={analysis.rows} />
          <div className="rec-actions">
            <button type="button" onClick={() => download(new Blob([recordingToCsv(analysis.rows, base)], { type: 'text/csv' }), exportName(base, 'csv'))}>
              Export CSV
            </button>
            <button type="button" onClick={() => analysis.meta && download(new Blob([recordingToJson(analysis.rows, analysis.meta)], { type: 'application/json' }), exportName(base, 'json'))}>
              Export JSON
            </button>
            {typeof MediaRecorder !== 'undefined' &&
              (state.exporting === null ? (
                <button type="button" data-testid="video-export-annotated" onClick={() => void exportAnnotated()}>
                  Annotated video (WebM)
                </button>
              ) : (
                <>
                  <span role="status" data-testid="video-exporting">
                    Making the annotated video: {Math.round(state.exporting * 100)}% (it plays through once)
                  </span>
                  <button type="button" onClick={() => analysis.cancel()}>
                    Cancel
                  </button>
                </>
              ))}
          </div>
        </div>
      )}
    </section>
  );
}
