/**
 * The composition root: settings from localStorage, the app's parts, the React tree, the engine's
 * start. The test hook (window.__resemote) is installed only when a test asks for it (an init
 * script sets window.__RESEMOTE_TEST_HOOKS__, or ?testhooks is in the URL): a production page
 * exposes nothing.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { composeApp, testHooks } from './app/composition';
import { keepFetchedFiles, registerServiceWorker } from './app/pwa';
import { loadSettings, saveSettings } from './state/settings';
import { settingsOf, useStore } from './state/store';
import { App } from './ui/App';
import { AppContext } from './ui/context';
import './ui/styles.css';

const params = new URLSearchParams(location.search);
const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return undefined; // blocked storage: settings simply do not persist
  }
})();
useStore.getState().applySettings(loadSettings(storage));
let saved = JSON.stringify(settingsOf(useStore.getState()));
useStore.subscribe((s) => {
  const next = JSON.stringify(settingsOf(s));
  if (next !== saved) {
    saved = next;
    saveSettings(storage, settingsOf(s));
  }
});

// A test (init script) or ?pinbackend pins a picked backend from the very start, with no
// WebAssembly serving until it is warm: the specs that test a GPU backend see it from the start.
const pinned = window.__RESEMOTE_PIN_BACKEND__ === true || params.has('pinbackend');
const app = composeApp({ base: import.meta.env.BASE_URL, preferWorker: !params.has('samethread'), bridgeChoice: !pinned, bitmapFrames: params.has('bitmapframes') });
if (window.__RESEMOTE_TEST_HOOKS__ === true || params.has('testhooks')) window.__resemote = testHooks(app);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={app}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
// The engine's start (backend probes: a WebGL context on this thread, the workers) and the
// sessions' IndexedDB read run in a task of their own: in the module's task, as microtasks after
// its evaluation, they made the longest task of a cold start (bench --cold-starts; docs/speed.md).
setTimeout(() => {
  void app.host.start();
  void app.sessions.load(); // sessions kept from earlier visits come back into the list
}, 0);
// Installable and offline after one visit (production builds; ?nosw opts out). Once the engine is
// ready, the worker keeps what was fetched before it took control (app/pwa.ts).
if (import.meta.env.PROD && !params.has('nosw')) {
  registerServiceWorker((update) => useStore.getState().setUpdate(update));
  const stop = useStore.subscribe((s) => {
    if (s.engine.phase !== 'ready') return;
    stop();
    keepFetchedFiles();
  });
}
