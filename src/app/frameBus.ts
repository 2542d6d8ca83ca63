/**
 * Per-frame data, outside React: the latest frame's faces and the running stats. The overlay
 * canvas, the stats panel and the live region subscribe and update themselves through refs, so a
 * 30 fps stream causes no React re-render.
 */
import type { FrameResult } from '../engine';

export interface FrameStats {
  fps: number;
  detectMs: number;
  classifyMs: number;
  totalMs: number;
  faces: number;
  dropped: number;
  tensors: number;
  backend: string;
}

export const EMPTY_STATS: FrameStats = { fps: 0, detectMs: 0, classifyMs: 0, totalMs: 0, faces: 0, dropped: 0, tensors: 0, backend: '' };

type Listener = (frame: FrameResult | null, stats: FrameStats) => void;

/** Running averages with a fixed weight per frame (about the last 10 frames). */
export function nextStats(prev: FrameStats, frame: FrameResult, lastTime: number | null, extra: { tensors: number; backend: string; dropped: number }): FrameStats {
  const a = prev.fps === 0 && prev.totalMs === 0 ? 1 : 0.1;
  const mix = (p: number, n: number) => p + a * (n - p);
  const dt = lastTime === null ? 0 : frame.time - lastTime;
  const fps = dt > 0 ? mix(prev.fps || 1000 / dt, 1000 / dt) : prev.fps;
  return {
    fps,
    detectMs: mix(prev.detectMs, frame.timings.detectMs),
    classifyMs: mix(prev.classifyMs, frame.timings.classifyMs),
    totalMs: mix(prev.totalMs, frame.timings.totalMs),
    faces: frame.faces.filter((f) => !f.stale).length,
    dropped: extra.dropped,
    tensors: extra.tensors,
    backend: extra.backend,
  };
}

export class FrameBus {
  private listeners = new Set<Listener>();
  private lastTime: number | null = null;
  frame: FrameResult | null = null;
  stats: FrameStats = EMPTY_STATS;
  dropped = 0;

  publish(frame: FrameResult, extra: { tensors: number; backend: string }): void {
    this.stats = nextStats(this.stats, frame, this.lastTime, { ...extra, dropped: this.dropped });
    this.lastTime = frame.time;
    this.frame = frame;
    for (const l of this.listeners) l(frame, this.stats);
  }

  drop(): void {
    this.dropped++;
  }

  clear(): void {
    this.frame = null;
    this.lastTime = null;
    this.stats = EMPTY_STATS;
    this.dropped = 0;
    for (const l of this.listeners) l(null, this.stats);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
