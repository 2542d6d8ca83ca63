import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeSample, sampleNear, timelineBuffers, VALENCE_CHANNEL } from '../app/timeline';
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS } from '../engine';
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
    let points = 0;
    let last = { px: 0, py: 0 };
    for (let i = 0; i < n; i++) {
      const t = buffer.time(i);
      if (t < start) continue;
      const px = x(t);
      const py = map(buffer.value(i, channel)) * (h - 2 * dpr) + dpr;
      if (points === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
      points++;
      last = { px, py };
    }
    ctx.stroke();
    ctx.setLineDash([]);
    // A face seen once is a dot, not an empty chart.
    if (points === 1) {
      ctx.beginPath();
      ctx.fillStyle = color;
      ctx.arc(last.px, last.py, 2 * width * dpr, 0, 2 * Math.PI);
      ctx.fill();
    }
  };
  // Valence first and faint, so an emotion's line near the top (Happy near 1) stays on top of it.
  ctx.globalAlpha = 0.55;
  line(VALENCE_CHANNEL, styles.color || '#e8eaf0', 1, (v) => 0.5 - v / 2, [4 * dpr, 3 * dpr]);
  ctx.globalAlpha = 1;
  EMOTIONS.forEach((e, c) => line(c, EMOTION_COLOR[e], 1.3, (v) => 1 - v));
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
          {EMOTION_LABEL[e]}
        </li>
      ))}
      <li className="valence" data-testid="valence-legend" title="Valence: how pleasant the expression is overall, from −1 (angry, disgusted, afraid, sad) to +1 (happy); read on the right-hand scale">
        valence: unpleasant (−1) to pleasant (+1), right-hand scale
      </li>
    </ul>
  );
}

/**
 * A chart's frame: the probability scale on the left (0-100 %), valence's on the right (−1 to +1),
 * the time axis under it (`axis`), and, under the pointer, the values at that moment (`valueAt`
 * gets the pointer's place across the chart, 0-1, and says what is there, or null).
 */
export function ChartFrame({ children, axis, valueAt }: { children: React.ReactNode; axis?: React.ReactNode; valueAt?(fraction: number): string | null }) {
  const [tip, setTip] = useState<{ at: number; text: string } | null>(null);
  return (
    <div className="chart">
      <div className="y-axis" aria-hidden="true">
        <span>100%</span>
        <span>50%</span>
        <span>0%</span>
      </div>
      <div
        className="chart-body"
        onMouseMove={(e) => {
          if (!valueAt) return;
          const r = e.currentTarget.getBoundingClientRect();
          const at = Math.max(0, Math.min(1, (e.clientX - r.left) / Math.max(1, r.width)));
          const text = valueAt(at);
          setTip(text ? { at, text } : null);
        }}
        onMouseLeave={() => setTip(null)}
      >
        {children}
        {tip && (
          <div className={tip.at > 0.6 ? 'chart-tip left' : 'chart-tip'} data-testid="chart-tip" role="tooltip" style={{ left: `${tip.at * 100}%` }}>
            {tip.text}
          </div>
        )}
      </div>
      <div className="y-axis right" aria-hidden="true">
        <span>+1</span>
        <span>0</span>
        <span>−1</span>
      </div>
      {axis && <div className="chart-axis">{axis}</div>}
    </div>
  );
}

/** What a face's chart shows at `t` (ms), in words: the time, then its emotions (timeline.ts describeSample). */
export function momentInWords(buffer: RingBuffer | undefined, t: number, within: number): string {
  const i = buffer ? sampleNear(buffer, t) : -1;
  if (!buffer || i < 0 || Math.abs(buffer.time(i) - t) > within) return `${secondsLabel(t)}: face not seen`;
  return `${secondsLabel(t)}: ${describeSample(buffer, i)}`;
}

const AXIS = [0, 0.25, 0.5, 0.75, 1];
export const secondsLabel = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Seconds under a chart: 0, a quarter, half, three quarters, the end. */
export function TimeAxis({ durationMs, className }: { durationMs: number; className?: string }) {
  return (
    <div className={className ? `time-axis ${className}` : 'time-axis'} aria-hidden="true" data-testid="time-axis">
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
            <ChartFrame axis={<TimeAxis durationMs={end} />} valueAt={(f) => momentInWords(buffers.get(id), f * end, Math.max(500, end / 50))}>
              <TimelineCanvas label={`Emotions of face ${id} over the session`} onCanvas={bind(id)} />
            </ChartFrame>
          </figure>
        ))}
      </div>
    </div>
  );
}
