/**
 * The app's parts, made once by main.tsx and handed to the UI (React context): the store, the
 * frame bus, the engine host, the live view and the photo session. Nothing here is a module
 * singleton, so tests build their own.
 */
import { useStore, type Store } from '../state/store';
import { EngineHost, type EngineHostOptions } from './engineHost';
import { FrameBus } from './frameBus';
import { LiveView } from './live';
import { PhotoSession } from './photos';

export interface AppParts {
  store: Store;
  bus: FrameBus;
  host: EngineHost;
  live: LiveView;
  photos: PhotoSession;
  dispose(): Promise<void>;
}

export function composeApp(options: EngineHostOptions, store: Store = useStore): AppParts {
  const bus = new FrameBus();
  const host = new EngineHost(store, options);
  const live = new LiveView(store, host, bus);
  const photos = new PhotoSession(store, host);
  return {
    store,
    bus,
    host,
    live,
    photos,
    async dispose() {
      live.dispose();
      photos.clear();
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
        ready: s.engine.phase === 'ready',
        phase: s.engine.phase,
        thread: s.engine.thread ?? '',
        frames: app.live.frames,
        photosInFlight: app.photos.inFlight,
        tensors,
        model: s.modelActive ?? '',
      };
    },
    faces: () => app.live.latestFaces(),
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
  }
}
