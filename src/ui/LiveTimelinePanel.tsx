import { useCallback, useEffect, useRef, useState } from 'react';
import { TIMELINE_WINDOW_MS } from '../app/timeline';
import { useApp } from './context';
import { ChartFrame, drawTimeline, momentInWords, TimelineCanvas, TimelineLegend } from './TimelineChart';

const MAX_FACES = 4;

/**
 * The last minute per tracked face, drawn at display rate from the timeline's ring buffers while
 * the panel is open; closed, it costs nothing but the buffers' pushes.
 */
export function LiveTimelinePanel({ open }: { open: boolean }) {
  const { timeline } = useApp();
  const [ids, setIds] = useState<number[]>([]);
  const canvases = useRef(new Map<number, HTMLCanvasElement>());
  useEffect(() => {
    if (!open) return;
    let raf = 0;
    let seen = -1;
    let lastDraw = 0;
    const loop = (now: number) => {
      raf = requestAnimationFrame(loop);
      if (timeline.version === seen && now - lastDraw < 250) return; // nothing new: only scroll, 4x a second
      seen = timeline.version;
      lastDraw = now;
      const current = timeline.shown(MAX_FACES); // the faces in view, not the lowest ids
      setIds((prev) => (prev.length === current.length && prev.every((v, i) => v === current[i]) ? prev : current));
      const end = performance.now();
      for (const id of current) {
        const canvas = canvases.current.get(id);
        const buffer = timeline.faces.get(id);
        if (canvas && buffer) drawTimeline(canvas, buffer, end - TIMELINE_WINDOW_MS, end);
      }
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, [open, timeline]);
  const bind = useCallback(
    (id: number) => (c: HTMLCanvasElement | null) => {
      if (c) canvases.current.set(id, c);
      else canvases.current.delete(id);
    },
    [],
  );
  if (!open) return null;
  return (
    <section className="timeline-panel" aria-label="Timeline">
      <div data-testid="timeline" data-faces={ids.length}>
        <TimelineLegend />
        {ids.length === 0 && <p className="muted">No face yet: the last minute of each face appears here.</p>}
        {ids.map((id) => (
          <figure key={id} className="timeline-face">
            <figcaption>Face #{id} — last minute</figcaption>
            <ChartFrame
              axis={
                <div className="time-axis" aria-hidden="true">
                  <span style={{ left: '0%' }}>1 min ago</span>
                  <span style={{ left: '50%' }}>30 s ago</span>
                  <span style={{ left: '100%' }}>now</span>
                </div>
              }
              valueAt={(f) => {
                const now = performance.now();
                const t = now - TIMELINE_WINDOW_MS + f * TIMELINE_WINDOW_MS;
                const said = momentInWords(timeline.faces.get(id), t, 1000);
                return said.replace(/^[^:]*:/, `${Math.round((now - t) / 1000)} s ago:`);
              }}
            >
              <TimelineCanvas label={`Emotions of face ${id} over the last minute`} onCanvas={bind(id)} />
            </ChartFrame>
          </figure>
        ))}
      </div>
    </section>
  );
}
