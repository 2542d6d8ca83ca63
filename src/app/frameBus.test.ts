import { describe, expect, it } from 'vitest';
import type { FrameResult } from '../engine/faces';
import { FrameBus } from './frameBus';

const frame = (time: number, faces = 1): FrameResult => ({
  model: 'm',
  backend: 'webgl',
  tensors: 0,
  width: 640,
  height: 480,
  time,
  timings: { detectMs: 10, classifyMs: 20, totalMs: 30 },
  faces: Array.from({ length: faces }, (_, i) => ({
    id: i + 1,
    box: { x: 0, y: 0, width: 10, height: 10 },
    crop: { x: 0, y: 0, width: 10, height: 10 },
    score: 1,
    probs: new Float32Array(7),
    top: { emotion: 'happy' as const, probability: 1 },
    stale: false,
  })),
});

describe('FrameBus', () => {
  it('publishes frames to subscribers with running stats, and unsubscribes', () => {
    const bus = new FrameBus();
    const seen: number[] = [];
    const off = bus.subscribe((f, s) => f && seen.push(s.faces));
    for (let i = 0; i < 20; i++) bus.publish(frame(i * 40, 2), { tensors: 5, backend: 'webgl' });
    expect(seen).toHaveLength(20);
    expect(bus.stats.fps).toBeCloseTo(25, 0);
    expect(bus.stats.classifyMs).toBeCloseTo(20);
    expect(bus.stats).toMatchObject({ faces: 2, tensors: 5, backend: 'webgl' });
    off();
    bus.publish(frame(900), { tensors: 5, backend: 'webgl' });
    expect(seen).toHaveLength(20);
  });

  it('counts dropped frames and clears', () => {
    const bus = new FrameBus();
    bus.drop();
    bus.drop();
    bus.publish(frame(0), { tensors: 1, backend: 'cpu' });
    expect(bus.stats.dropped).toBe(2);
    bus.clear();
    expect(bus.frame).toBeNull();
    expect(bus.stats.fps).toBe(0);
  });
});
