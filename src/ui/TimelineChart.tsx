import { useCallback, useEffect, useMemo, useRef } from 'react';
import { timelineBuffers, VALENCE_CHANNEL } from '../app/timeline';
import { EMOTION_COLOR, EMOTIONS } from '../engine';
import type { RingBuffer } from '../app/ringBuffer';
import { prepareCanvas } from './overlay/canvasSize';

/**
 * One small chart per face: the seven probabilities as lines in the class colours, and valence
 * (dashed, -1 at the bottom, +1 at the top) over a time window ending at `end`. Pure drawing: the
 * caller decides when (display rate for the live view, on change for a video).
 */
export function drawTimeline(canvas: HTMLCanvasElement, buffer: RingBuffer, start: number, end: number, cursor?: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { w, h, dpr } = prepareCanvas(canvas, ctx);
  const styles = getComputedStyle(canvas);
  ctx.strokeStyle = styles.getPropertyValue('--line') || '#2a2f3c';
  ctx.lineWidth = 1;
  for (const y of [0, 0.5, 1]) {
    ctx.beginPath();
    ctx.moveTo(0, y * (h - 1) + 0.5);
    ctx.lineTo(w, y * (h - 1) + 0.5);
    ctx.stroke();
  }
  const n = buffer.length;
  if (!n || end <= start) return;
  const x = (t: number) => ((t - start) / (end - start)) * w;
  const line = (channel: number, color: string, width: number, map: (v: number) => number, dash: number[] = []) => {
    ctx.beginPath();
    ctx.setLineDash(dash);
    ctx.strokeStyle = color;
    ctx.lineWidth = width * dpr;
    let first = true;
    for (let i = 0; i < n; i++) {
      const t = buffer.time(i);
      if (t < start) continue;
      const px = x(t);
      const py = map(buffer.value(i, channel)) * (h - 2 * dpr) + dpr;
      if (first) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
      first = false;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  EMOTIONS.forEach((e, c) => line(c, EMOTION_COLOR[e], 1.2, (v) => 1 - v));
  line(VALENCE_CHANNEL, styles.color || '#e8eaf0', 1.6, (v) => 0.5 - v / 2, [4 * dpr, 3 * dpr]);
  if (cursor !== undefined) {
    ctx.strokeStyle = styles.color || '#fff';
    ctx.lineWidth = 1.5 * dpr;
    ctx.beginPath();
    ctx.moveTo(x(cursor), 0);
    ctx.lineTo(x(cursor), h);
    ctx.stroke();
  }
}

/** A chart that redraws when asked through `draw` (the parent owns the loop). */
export function TimelineCanvas({ label, onCanvas }: { label: string; onCanvas(c: HTMLCanvasElement | null): void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    onCanvas(ref.current);
    return () => onCanvas(null);
  }, [onCanvas]);
  return <canvas ref={ref} className="timeline-canvas" role="img" aria-label={label} />;
}

export function TimelineLegend() {
  return (
    <ul className="timeline-legend" aria-hidden="true">
      {EMOTIONS.map((e) => (
        <li key={e} style={{ '--c': EMOTION_COLOR[e] } as React.CSSProperties}>
          {e}
        </li>
      ))}
      <li className="valence">valence</li>
    </ul>
  );
}

const AXIS = [0, 0.25, 0.5, 0.75, 1];
export const secondsLabel = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Seconds under a chart: 0, a quarter, half, three quarters, the end. */
export function TimeAxis({ durationMs }: { durationMs: number }) {
  return (
    <div className="time-axis" aria-hidden="true">
      {AXIS.map((a) => (
        <span key={a} style={{ left: `${a * 100}%` }}>
          {secondsLabel(a * durationMs)}
        </span>
      ))}
    </div>
  );
}

/** A finished session's per-face timelines (after Stop, or reopened from the list): drawn once. */
export function SessionTimeline({ rows }: { rows: Parameters<typeof timelineBuffers>[0] }) {
  const buffers = useMemo(() => timelineBuffers(rows), [rows]);
  const end = rows.reduce((m, r) => Math.max(m, r.t), 0);
  const ids = [...buffers.keys()].sort((a, b) => a - b);
  const canvases = useRef(new Map<number, HTMLCanvasElement>());
  useEffect(() => {
    const draw = () => {
      for (const [id, c] of canvases.current) {
        const b = buffers.get(id);
        if (b) drawTimeline(c, b, 0, Math.max(1, end));
      }
    };
    draw();
    const ro = new ResizeObserver(draw);
    for (const c of canvases.current.values()) ro.observe(c);
    return () => ro.disconnect();
  }, [buffers, end]);
  const bind = useCallback(
    (id: number) => (c: HTMLCanvasElement | null) => {
      if (c) canvases.current.set(id, c);
      else canvases.current.delete(id);
    },
    [],
  );
  if (!ids.length) return null;
  return (
    <div className="timeline-panel session-timeline" data-testid="session-timeline" data-faces={ids.length}>
      <div>
        <TimelineLegend />
        {ids.map((id) => (
          <figure key={id} className="timeline-face">
            <figcaption>Face #{id}</figcaption>
            <TimelineCanvas label={`Emotions of face ${id} over the session`} onCanvas={bind(id)} />
            <TimeAxis durationMs={end} />
          </figure>
        ))}
      </div>
    </div>
  );
}
