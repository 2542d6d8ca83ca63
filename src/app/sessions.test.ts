import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FrameResult } from '../engine/faces';
import { resetStore, useStore } from '../state/store';
import { fakeFrame } from './fakeFrame';
import { FrameBus } from './frameBus';
import { Recorder, type VideoRecorder } from './recorder';
import { countRows, MemorySessionStore } from './recordingStore';
import { SessionList, sessionTime, uniqueName } from './sessions';

const probs = Float32Array.from(EMOTIONS, (_, i) => (i === 3 ? 0.7 : 0.05));
const frame = (time: number): FrameResult =>
  fakeFrame(time, { box: { x: 1, y: 2, width: 30, height: 40 }, crop: { x: 0, y: 0, width: 40, height: 40 }, probs, top: { emotion: 'happy', probability: 0.7 } });

/** A WebM recorder that hands back a blob when stopped (MediaRecorder does not exist in Node). */
const fakeVideo = () => ({ start() {}, stop: async () => new Blob(['webm'], { type: 'video/webm' }) }) as unknown as VideoRecorder;
const source = { video: {} as HTMLVideoElement, overlay: {} as HTMLCanvasElement, mirror: () => true };

function setup() {
  resetStore();
  const bus = new FrameBus();
  const persist = new MemorySessionStore();
  const sessions = new SessionList(persist);
  const recorder = new Recorder(bus, useStore, sessions, fakeVideo);
  const pub = (t: number) => bus.publish(frame(t), { tensors: 0, backend: 'webgl' });
  return { bus, persist, sessions, recorder, pub };
}

describe('sessions', () => {
  it('Record twice keeps both recordings, newest first, each with its own rows', async () => {
    const { sessions, recorder, pub } = setup();
    recorder.begin(null, 1000);
    pub(1100);
    pub(1200);
    await recorder.stop();
    recorder.begin(null, 5000);
    pub(5100);
    await recorder.stop();
    expect(sessions.sessions).toHaveLength(2);
    expect(sessions.sessions.map((s) => s.rows?.length)).toEqual([1, 2]);
    expect(sessions.sessions.map((s) => s.rowCount)).toEqual([1, 2]);
    expect(sessions.sessions.every((s) => !s.live)).toBe(true);
  });

  it('a frame taken before Record was pressed is no row: time_ms never negative', async () => {
    const { sessions, recorder, pub } = setup();
    recorder.begin(null, 1000);
    pub(780); // was being analysed when Record was pressed
    pub(1100);
    await recorder.stop();
    expect(sessions.sessions[0]!.rows!.map((r) => r.t)).toEqual([100]);
  });

  it('the camera stopping (leaving the tab) ends the recording and keeps it, WebM included', async () => {
    const { sessions, recorder, pub } = setup();
    useStore.getState().setCamera({ phase: 'running' });
    recorder.begin(source, 0);
    pub(100);
    useStore.getState().setCamera({ phase: 'idle' }); // what leaving the Camera tab does
    expect(recorder.state).toMatchObject({ phase: 'stopped', endedBy: 'camera' });
    await recorder.stop(); // waits for the stop under way
    const s = sessions.sessions[0]!;
    expect(s.rows).toHaveLength(1);
    expect(s.live).toBe(false);
    expect(await s.webm?.text()).toBe('webm');
  });

  it('survive a reload (the store), listed from the index: rows read only when asked for; renamed and deleted', async () => {
    const { persist, recorder, pub, sessions } = setup();
    recorder.begin(null, 0);
    pub(10);
    pub(20);
    await recorder.stop();
    await sessions.rename(sessions.sessions[0]!.id, 'Morning meeting');
    const again = new SessionList(persist); // a reload: a new list over the same store
    await again.load();
    expect(again.sessions).toHaveLength(1);
    expect(again.sessions[0]).toMatchObject({ name: 'Morning meeting', restored: true, live: false, rows: null, rowCount: 2, faceCount: 1, durationMs: 20 });
    expect(persist.rowReads).toBe(0); // the list came from the index alone
    const id = again.sessions[0]!.id;
    expect((await again.rows(id)).map((r) => r.t)).toEqual([10, 20]);
    expect(persist.rowReads).toBe(1);
    expect(again.sessions[0]!.rows).toBeNull(); // read for the caller, not held by the list
    await again.remove(id);
    expect(again.sessions).toHaveLength(0);
    expect(await persist.list()).toHaveLength(0);
    expect(await persist.rows(id)).toEqual([]); // the rows went with the index
  });

  it('a month of sessions: the start reads 200 index entries and no row', async () => {
    const persist = new MemorySessionStore();
    const row = (t: number, face: number) => ({ t, face, x: 0, y: 0, width: 1, height: 1, score: 0.9, probs: Array.from(probs), top: 'happy' as const, valence: 0.6 });
    for (let i = 0; i < 200; i++) {
      const id = `rec-${i}`;
      await persist.begin(
        id,
        { kind: 'camera', source: 'camera', model: 'M', backend: 'wasm', appVersion: '0', startedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(), frameWidth: 1, frameHeight: 1 },
        '',
      );
      for (let seq = 0; seq < 3; seq++) await persist.append(id, seq, [row(seq * 100, 1), row(seq * 100, 2 + (i % 2))]);
      await persist.finish(id);
    }
    const list = new SessionList(persist);
    await list.load();
    expect(list.sessions).toHaveLength(200);
    expect(persist.rowReads).toBe(0);
    expect(list.sessions[0]).toMatchObject({ id: 'rec-199', rowCount: 6, faceCount: 2, durationMs: 200 }); // newest first
    expect(list.sessions.every((s) => s.rows === null)).toBe(true);
  });

  it('a video analysis is saved whole as a session of its own', async () => {
    const { sessions } = setup();
    const meta = { kind: 'video' as const, source: 'clip.webm', model: 'M', backend: 'webgl', appVersion: '0', startedAt: new Date().toISOString(), frameWidth: 1, frameHeight: 1, durationMs: 3000 };
    await sessions.add(meta, [{ t: 0, face: 1, x: 0, y: 0, width: 1, height: 1, score: 0.9, probs: Array.from(probs), top: 'happy', valence: 0.5 }], 'clip.webm');
    expect(sessions.latest('video')).toMatchObject({ name: 'clip.webm', durationMs: 3000, rowCount: 1, faceCount: 1 });
  });
});

describe('the session index (recordingStore.ts)', () => {
  const row = (t: number, face: number) => ({ t, face, x: 0, y: 0, width: 1, height: 1, probs: Array.from(probs), top: 'happy' as const, valence: 0.6 });

  it('counts rows, distinct faces and the last time; a batch written again is counted once', () => {
    const a = countRows({ rowCount: 0, faces: [], lastMs: 0 }, [row(0, 2), row(0, 1), row(100, 2)]);
    expect(a).toEqual({ rowCount: 3, faces: [1, 2], lastMs: 100 });
    const b = countRows(a, [row(200, 3)]);
    expect(b).toEqual({ rowCount: 4, faces: [1, 2, 3], lastMs: 200 });
    expect(countRows(b, [row(200, 3), row(200, 1)], [row(200, 3)])).toEqual({ rowCount: 5, faces: [1, 2, 3], lastMs: 200 });
  });

  it('the memory store keeps index and rows in step through append (again), rename and remove', async () => {
    const s = new MemorySessionStore();
    const meta = { kind: 'camera' as const, source: 'camera', model: 'M', backend: 'wasm', appVersion: '0', startedAt: '2026-01-01T00:00:00Z', frameWidth: 1, frameHeight: 1 };
    await s.begin('a', meta, 'A');
    await s.append('a', 0, [row(0, 1)]);
    await s.append('a', 1, [row(100, 1), row(100, 2)]);
    await s.append('a', 1, [row(100, 1), row(100, 2)]); // a retried write of the same batch
    await s.rename('a', 'Renamed');
    const [index] = await s.list();
    expect(index).toMatchObject({ id: 'a', name: 'Renamed', rowCount: 3, faces: [1, 2], lastMs: 100 });
    expect(await s.rows('a')).toHaveLength(index!.rowCount);
    await s.remove('a');
    expect(await s.list()).toEqual([]);
    expect(await s.rows('a')).toEqual([]);
  });

  it('names two recordings of one minute apart, to the second and never twice; the name and the list say the moment one way', async () => {
    const { sessions } = setup();
    const meta = (startedAt: string) => ({ kind: 'camera' as const, source: 'camera', model: 'm', backend: 'webgl', appVersion: '0', startedAt, frameWidth: 1, frameHeight: 1 });
    sessions.open('a', meta('2026-12-07T14:03:10.000Z'));
    sessions.open('b', meta('2026-12-07T14:03:40.000Z'));
    sessions.open('c', meta('2026-12-07T14:03:40.000Z'));
    const names = sessions.sessions.map((x) => x.name);
    expect(new Set(names).size).toBe(3);
    expect(names[2]).toBe(`Recording ${sessionTime('2026-12-07T14:03:10.000Z')}`);
    expect(names[2]).not.toBe(names[1]); // 30 s apart: the seconds tell them apart
    expect(names[0]).toBe(`${names[1]} (2)`); // the same second: a number
    expect(uniqueName('x', ['x', 'x (2)'])).toBe('x (3)');
  });
});
