/**
 * MediaPipe tasks-vision sends usage metrics to a Google host (odml.pa.googleapis.com/v1/log, every
 * minute and when a task closes: its README's "Privacy Notice"). The engine promises that nothing
 * leaves the device, in its worker and on the page's thread alike, whatever the page's
 * Content-Security-Policy: so MediaPipe's bundle is built with a `fetch` of its own, a function
 * declared in the bundle's module scope that refuses every request. The bundle calls the bare
 * global `fetch` for three things only (the usage log, a graph or a model given by URL); the engine
 * hands it the detector model as bytes and loads its wasm runtime itself (detector.ts), so all it
 * loses is the log. MediaPipe catches the refusal, drops its log and stops its timer.
 *
 * The declaration is appended, not prepended, so the bundle's lines keep their source-map
 * positions; a function declaration is hoisted, so it is in place before any call. The bundler
 * renames it where it would clash: it stays MediaPipe's alone, and the page's own fetch is untouched.
 * Used by vite.config.ts (the app and its worker) and vite.lib.config.ts (the library, its worker
 * and its page-thread engine); scripts/lib/mediapipe-offline.test.ts pins what it relies on.
 */
import type { Plugin } from 'vite';

/** MediaPipe's ES-module bundle, the one every build of the engine imports. */
export const MEDIAPIPE_BUNDLE = /[\\/]@mediapipe[\\/]tasks-vision[\\/]vision_bundle\.mjs$/;

/** The refusal MediaPipe's requests meet. */
export const REFUSAL = "MediaPipe's network access is switched off by the ResEmote engine";

/** `code` (MediaPipe's bundle) with its own fetch, which refuses every request. */
export function withoutNetwork(code: string): string {
  return `${code}\n;function fetch(input) { return Promise.reject(new TypeError(${JSON.stringify(`${REFUSAL}: `)} + String(input && input.url || input))); }\n`;
}

/** The Vite plugin: MediaPipe's bundle, without network. */
export function mediapipeOffline(): Plugin {
  return {
    name: 'resemote-mediapipe-offline',
    transform: (code, id) => (MEDIAPIPE_BUNDLE.test(id.split('?')[0] ?? id) ? { code: withoutNetwork(code), map: null } : null),
  };
}
