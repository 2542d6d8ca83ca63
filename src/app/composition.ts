/**
 * The app's parts, made once by main.tsx and handed to the UI (React context): the frame bus, the
 * engine host, the live view, the photo session, the recorder, batches and video files. Apart from
 * the store, nothing here is a module singleton, so tests build their own.
 *
 * The store is the one exception, on purpose: there is exactly one, `useStore` (state/store.ts),
 * the way zustand is meant to be used. React components read it with the hook; the classes here
 * receive it in their constructor, so what they depend on is visible, and a test hands them the
 * same `useStore` after `resetStore()`. No second store is ever made, so composeApp takes none.
 */
import { useStore } from '../state/store';
import { BatchSession } from './batch';
import { EngineHost, type EngineHostOptions } from './engineHost';
import { FrameBus } from './frameBus';
import { hasTrackFrames } from './camera';
import { LiveView } from './live';
import { PhotoSession } from './photos';
import { Recorder } from './recorder';
import { MemorySessionStore, RecordingStore } from './recordingStore';
import { SessionList } from './sessions';
import { LiveTimeline } from './timeline';
import { VideoAnalysis } from './videoFile';

export interface AppParts {
  store: typeof useStore;
  bus: FrameBus;
  host: EngineHost;
  live: LiveView;
  photos: PhotoSession;
  timeline: LiveTimeline;
  recorder: Recorder;
  sessions: SessionList;
  batch: BatchSession;
  video: VideoAnalysis;
  dispose(): Promise<void>;
}

/** `bitmapFrames`: camera frames as bitmaps of the <video> even where the track's own frames could
 *  go to the engine (?bitmapframes: the bench's comparison of the two paths). */
export function composeApp(options: EngineHostOptions & { bitmapFrames?: boolean }): AppParts {
  const store = useStore;
  const bus = new FrameBus();
  const host = new EngineHost(store, options);
  const live = new LiveView(store, host, bus, { trackFrames: !options.bitmapFrames && hasTrackFrames() });
  const batch = new BatchSession(host, () => {
    const s = store.getState();
    return { filter: { minScore: s.minScore, minSize: s.minSize, hideLowConfidence: s.hideLowConfidence }, wholeIfNoFace: s.wholeIfNoFace };
  });
  const sessions = new SessionList(typeof indexedDB === 'undefined' ? new MemorySessionStore() : new RecordingStore());
  const video = new VideoAnalysis(host, sessions);
  const photos = new PhotoSession(store, host, batch);
  const timeline = new LiveTimeline(bus);
  // A recording's faces are numbered from 1, on screen and in its files alike; the live chart's
  // faces, kept by number, start again with them.
  const recorder = new Recorder(bus, store, sessions, undefined, (start) => {
    live.renumberFrom(start);
    timeline.clear();
  });
  return {
    store,
    bus,
    host,
    live,
    photos,
    timeline,
    recorder,
    sessions,
    batch,
    video,
    async dispose() {
      video.close();
      batch.clear();
      recorder.dispose();
      timeline.dispose();
      live.dispose();
      photos.dispose();
      await host.dispose();
    },
  };
}

/** Read-only figures for tests and benchmarks (installed only when asked for: see main.tsx). */
export function testHooks(app: AppParts) {
  let tensors = 0;
  app.bus.subscribe((frame) => {
    if (frame) tensors = frame.tensors;
  });
  return {
    info: () => {
      const s = app.store.getState();
      return {
        backend: s.backendActive ?? '',
        /** A backend warming beside the running one ('' when none). */
        warming: s.warming?.backend ?? '',
        ready: s.engine.phase === 'ready',
        phase: s.engine.phase,
        thread: s.engine.thread ?? '',
        frames: app.live.frames,
        /** Where camera frames come from: the track's own VideoFrames, or bitmaps of the <video>. */
        frameSource: app.live.frameSource,
        photosInFlight: app.photos.inFlight,
        batch: { phase: app.batch.state.phase, done: app.batch.state.done, total: app.batch.state.items.length },
        sessions: app.sessions.sessions.map((x) => ({ kind: x.meta.kind, rows: x.rowCount, live: x.live, webm: x.webm?.size ?? 0 })),
        video: { phase: app.video.state.phase, done: app.video.state.done, total: app.video.state.total },
        tensors,
        model: s.modelActive ?? '',
      };
    },
    faces: () => app.live.latestFaces(),
    /** The photo's "Why?" maps made so far: face id, the class explained, the engine's time. */
    explanations: () => Object.entries(app.store.getState().photo.explanations ?? {}).flatMap(([id, e]) => (e.phase === 'done' ? [{ id: Number(id), target: e.map.target, ms: e.map.ms }] : [])),
    /** Calls `cb` with the faces of every frame published on the bus (ids, boxes), and the frame count. */
    onFrame: (cb: (faces: { id: number; stale: boolean; box: { x: number; y: number; width: number; height: number } }[], frame: number) => void) =>
      app.bus.subscribe((frame) => {
        if (frame)
          cb(
            frame.faces.map((f) => ({ id: f.id, stale: f.stale, box: { ...f.box } })),
            app.live.frames,
          );
      }),
    /** What the video overlay shows: the video time of the moment and of the analysed sample drawn
     *  (null: none), positions in the video, ms. */
    videoOverlay: () => {
      const m = app.video.shown;
      return m ? { at: m.ms, sampleAt: m.sample?.t ?? null, faces: m.sample?.faces.length ?? 0, seeking: m.seeking === true } : null;
    },
    /** The running engine's classifier on 1 and 4 crops of a camera frame, ms (for the bench). */
    benchmark: () => app.host.benchmark(),
    /** Tensors held by the engine now (asks the engine, wherever it runs). */
    memory: async () => {
      const m = await app.host.memory();
      if (m) tensors = m.tensors;
      return m;
    },
  };
}

export type TestHooks = ReturnType<typeof testHooks>;

declare global {
  interface Window {
    __resemote?: TestHooks;
    /** Set by a test's init script (or ?testhooks in the URL) to get window.__resemote. */
    __RESEMOTE_TEST_HOOKS__?: boolean;
    /** Set by a test's init script (or ?pinbackend): a picked backend runs from the start (main.tsx). */
    __RESEMOTE_PIN_BACKEND__?: boolean;
  }
}
