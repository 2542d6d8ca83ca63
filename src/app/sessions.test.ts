import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../engine/emotions';
import type { FrameResult } from '../engine/faces';
import { resetStore, useStore } from '../state/store';
import { fakeFrame } from './fakeFrame';
import { FrameBus } from './frameBus';
import { Recorder, type VideoRecorder } from './recorder';
import { MemorySessionStore } from './recordingStore';
import { SessionList } from './sessions';

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
    expect(sessions.sessions.map((s) => s.rows.length)).toEqual([1, 2]);
    expect(sessions.sessions.every((s) => !s.live)).toBe(true);
  });

  it('a frame taken before Record was pressed is no row: time_ms never negative', async () => {
    const { sessions, recorder, pub } = setup();
    recorder.begin(null, 1000);
    pub(780); // was being analysed when Record was pressed
    pub(1100);
    await recorder.stop();
    expect(sessions.sessions[0]!.rows.map((r) => r.t)).toEqual([100]);
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

  it('survive a reload (the store), can be renamed and deleted', async () => {
    const { persist, recorder, pub, sessions } = setup();
    recorder.begin(null, 0);
    pub(10);
    await recorder.stop();
    await sessions.rename(sessions.sessions[0]!.id, 'Morning meeting');
    const again = new SessionList(persist); // a reload: a new list over the same store
    await again.load();
    expect(again.sessions).toHaveLength(1);
    expect(again.sessions[0]).toMatchObject({ name: 'Morning meeting', restored: true, live: false });
    expect(again.sessions[0]!.rows).toHaveLength(1);
    await again.remove(again.sessions[0]!.id);
    expect(again.sessions).toHaveLength(0);
    expect(await persist.list()).toHaveLength(0);
  });

  it('a video analysis is saved whole as a session of its own', async () => {
    const { sessions } = setup();
    const meta = { kind: 'video' as const, source: 'clip.webm', model: 'M', backend: 'webgl', appVersion: '0', startedAt: new Date().toISOString(), frameWidth: 1, frameHeight: 1, durationMs: 3000 };
    await sessions.add(meta, [{ t: 0, face: 1, x: 0, y: 0, width: 1, height: 1, score: 0.9, probs: Array.from(probs), top: 'happy', valence: 0.5 }], 'clip.webm');
    expect(sessions.latest('video')).toMatchObject({ name: 'clip.webm', durationMs: 3000 });
  });
});
