import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FrameResult } from '../engine/faces';
import { resetStore, useStore } from '../state/store';
import { fakeFrame } from './fakeFrame';
import { FrameBus } from './frameBus';
import { Recorder } from './recorder';
import type { RecordingRow } from './recording';
import type { SessionPersistence } from './recordingStore';
import { SessionList } from './sessions';

const frame = (time: number): FrameResult => fakeFrame(time);

/** An IndexedDB stand-in whose writes fail while `failing` is set. */
function fakeStore() {
  const kept: { begun: string[]; rows: RecordingRow[] } = { begun: [], rows: [] };
  const control = { failing: false };
  const fail = () => {
    if (control.failing) throw new DOMException('the quota was exceeded', 'QuotaExceededError');
  };
  const persist = {
    begin: async (id: string) => {
      fail();
      kept.begun.push(id);
    },
    append: async (_id: string, _seq: number, rows: RecordingRow[]) => {
      fail();
      kept.rows.push(...rows);
    },
    finish: async () => fail(),
    last: async () => null,
    discard: async () => undefined,
  } as unknown as SessionPersistence;
  return { persist, kept, control };
}

const codes = () => useStore.getState().notices.map((n) => n.code);

beforeEach(() => {
  resetStore();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('Recorder and its IndexedDB copy', () => {
  it('a failed write keeps its rows for the next write and tells the user; a later write saves them all', async () => {
    const bus = new FrameBus();
    const { persist, kept, control } = fakeStore();
    const rec = new Recorder(bus, useStore, new SessionList(persist));
    rec.begin(null, 0);
    await vi.advanceTimersByTimeAsync(0);
    control.failing = true;
    bus.publish(frame(100), { tensors: 0, backend: 'webgl' });
    bus.publish(frame(200), { tensors: 0, backend: 'webgl' });
    await vi.advanceTimersByTimeAsync(1000); // the once-a-second flush fails
    expect(codes()).toContain('recording-not-kept');
    expect(rec.state.unsaved).toBe(2);
    expect(rec.rows).toHaveLength(2);
    control.failing = false;
    bus.publish(frame(1100), { tensors: 0, backend: 'webgl' });
    await rec.stop();
    expect(kept.rows.map((r) => r.t)).toEqual([100, 200, 1100]); // nothing was dropped
    expect(rec.state.unsaved).toBe(0);
    expect(codes()).not.toContain('recording-not-kept');
  });

  it('a recording whose entry could not be created is created at the next write, before its rows', async () => {
    const bus = new FrameBus();
    const { persist, kept, control } = fakeStore();
    control.failing = true;
    const rec = new Recorder(bus, useStore, new SessionList(persist));
    rec.begin(null, 0);
    await vi.advanceTimersByTimeAsync(0);
    expect(codes()).toContain('recording-not-kept');
    control.failing = false;
    bus.publish(frame(100), { tensors: 0, backend: 'webgl' });
    await rec.stop();
    expect(kept.begun).toHaveLength(1);
    expect(kept.rows).toHaveLength(1);
  });
});
