import { useEffect, useRef } from 'react';
import { engineInfo } from '../app/controller';
import { frameBus, type FrameStats } from '../app/frameBus';

const FIELDS: [keyof FrameStats, string, (v: number | string) => string][] = [
  ['fps', 'fps', (v) => Number(v).toFixed(1)],
  ['detectMs', 'detect', (v) => `${Number(v).toFixed(1)} ms`],
  ['classifyMs', 'classify', (v) => `${Number(v).toFixed(1)} ms`],
  ['totalMs', 'frame', (v) => `${Number(v).toFixed(1)} ms`],
  ['faces', 'faces', (v) => String(v)],
  ['dropped', 'skipped', (v) => String(v)],
  ['tensors', 'tensors', (v) => String(v)],
  ['backend', 'backend', (v) => String(v || '—')],
];

/** Updates its own text nodes from the frame bus, a few times a second: no React renders. */
export function StatsPanel() {
  const refs = useRef<Record<string, HTMLElement | null>>({});
  useEffect(() => {
    let last = 0;
    const write = (stats: FrameStats) => {
      for (const [key, , fmt] of FIELDS) {
        const el = refs.current[key];
        if (el) el.textContent = fmt(stats[key]);
      }
    };
    const off = frameBus.subscribe((_, stats) => {
      const now = performance.now();
      if (now - last < 250 && stats.fps !== 0) return;
      last = now;
      write(stats);
    });
    // Outside the camera loop (photo mode, idle), keep backend and tensor count current.
    const timer = setInterval(() => {
      if (performance.now() - last < 1000) return;
      const info = engineInfo();
      write({ ...frameBus.stats, tensors: info.tensors, backend: info.backend });
    }, 1000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, []);
  return (
    <section className="stats" aria-label="Performance" data-testid="stats">
      {FIELDS.map(([key, label]) => (
        <div key={key}>
          <span className="k">{label}</span>
          <span className="v" data-testid={`stat-${key}`} ref={(el) => void (refs.current[key] = el)}>
            —
          </span>
        </div>
      ))}
    </section>
  );
}
