import { useEffect, useRef } from 'react';
import { EMPTY_STATS, type FrameStats } from '../app/frameBus';
import { BACKEND_LABEL, CHOOSABLE_BACKENDS, visibleFaces } from '../engine';
import { useStore } from '../state/store';
import { useApp } from './context';

const FIELDS: [keyof FrameStats, string, (v: number | string) => string][] = [
  ['fps', 'analyses a second', (v) => Number(v).toFixed(1)],
  ['detectMs', 'finding faces', (v) => `${Number(v).toFixed(1)} ms`],
  ['classifyMs', 'reading emotions', (v) => `${Number(v).toFixed(1)} ms`],
  ['totalMs', 'in all', (v) => `${Number(v).toFixed(1)} ms`],
  ['faces', 'faces', (v) => String(v)],
  ['dropped', 'frames skipped (busy)', (v) => String(v)],
  ['tensors', 'engine tensors', (v) => (Number(v) < 0 ? '—' : String(v))],
  ['backend', 'backend', (v) => String(v || '—')],
];

/**
 * Developer figures (frame rate, timings, skipped frames, tensors), folded into "Details" so the
 * first screen speaks to people. Camera figures from the frame bus (a few times a second, written into text nodes: no React
 * renders), a photo's own figures in Photo mode, dashes when nothing runs. A definition list, so a
 * screen reader says "fps: 12.0", not "fps12.0".
 */
export function StatsPanel() {
  const { bus, host } = useApp();
  const mode = useStore((s) => s.mode);
  const photo = useStore((s) => s.photo.result);
  const thread = useStore((s) => s.engine.thread);
  const threadReason = useStore((s) => s.engine.threadReason);
  const backendReason = useStore((s) => s.engine.backendReason);
  const backendActive = useStore((s) => s.backendActive);
  const support = useStore((s) => s.support);
  const refs = useRef<Record<string, HTMLElement | null>>({});
  useEffect(() => {
    let last = 0;
    const write = (stats: FrameStats, blank = false) => {
      for (const [key, , fmt] of FIELDS) {
        const el = refs.current[key];
        if (el) el.textContent = blank && key !== 'backend' && key !== 'tensors' ? '—' : fmt(stats[key]);
      }
    };
    const idle = async () => {
      const s = useStore.getState();
      const m = s.engine.phase === 'ready' ? await host.memory() : null;
      const base = { ...EMPTY_STATS, tensors: m?.tensors ?? -1, backend: s.engine.phase === 'ready' ? (s.backendActive ?? '') : '' };
      const r = s.photo.result;
      if (s.mode === 'photo' && r) {
        write({ ...base, detectMs: r.timings.detectMs, classifyMs: r.timings.classifyMs, totalMs: r.timings.totalMs, faces: visibleFaces(r, s).length, backend: r.backend });
        const fps = refs.current.fps;
        if (fps) fps.textContent = '—';
      } else write(base, true);
    };
    const off = bus.subscribe((frame, stats) => {
      if (!frame) return void idle(); // stopped: reset at once
      if (useStore.getState().mode !== 'camera') return;
      const now = performance.now();
      if (now - last < 250 && stats.fps !== 0) return;
      last = now;
      write(stats);
    });
    const timer = setInterval(() => {
      if (performance.now() - last < 1500 && useStore.getState().camera.phase === 'running') return;
      void idle();
    }, 1000);
    void idle();
    return () => {
      off();
      clearInterval(timer);
    };
  }, [bus, host, mode, photo]);
  return (
    <details className="stats" aria-label="Details" data-testid="stats">
      <summary>
        <h2>Details</h2> <span className="muted">(speed, engine)</span>
      </summary>
      <dl>
        {FIELDS.map(([key, label]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-testid={`stat-${key}`} ref={(el) => void (refs.current[key] = el)}>
              —
            </dd>
          </div>
        ))}
        <div>
          <dt>engine</dt>
          <dd data-testid="stat-thread" title={threadReason}>
            {thread === 'worker' ? 'worker' : thread === 'page' ? 'page thread' : '—'}
          </dd>
        </div>
      </dl>
      {thread === 'page' && threadReason && <p className="why">The engine runs on the page's thread: {threadReason}.</p>}
      {backendReason && backendActive && (
        <p className="why backend-reason" data-testid="backend-reason">
          Why {BACKEND_LABEL[backendActive]}: {backendReason}.
        </p>
      )}
      {support &&
        CHOOSABLE_BACKENDS.filter((b) => !support[b].available).map((b) => (
          <p key={b} className="why">
            {BACKEND_LABEL[b]} unavailable: {support[b].reason}
          </p>
        ))}
    </details>
  );
}
