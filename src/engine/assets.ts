/**
 * Where the engine's files are: one folder, the "assets", laid out the same way wherever it is
 * served. The app serves it from its own base URL (public/mediapipe and public/tfjs-wasm, prepared
 * by scripts/prepare-assets.ts, and models/); the library ships it as dist/assets/ and its user
 * says where it is (createEngine's assetsUrl). The engine itself names no location: every URL
 * reaches it through EngineConfig, and this file is the one place the layout is written.
 *
 *   <assets>/mediapipe/wasm/vision_wasm_module_internal.{js,wasm}   MediaPipe's runtime (detector.ts)
 *   <assets>/mediapipe/face_detector.tflite                         the face detector, with TFLite metadata
 *   <assets>/tfjs-wasm/tfjs-backend-wasm{-simd,}.wasm                TF.js's WebAssembly backend
 *   <assets>/models/<id>/model.json (+ shards)                      an emotion model (training/export.py)
 *   <assets>/page-engine.js                                         the library's engine for the page's own thread
 *                                                                   (remote.ts; the app builds that engine as a chunk)
 */

export const ASSET_PATHS = {
  /** Folder of MediaPipe's wasm runtime (no trailing '/': detector.ts appends the file names). */
  detectorWasm: 'mediapipe/wasm',
  detectorModel: 'mediapipe/face_detector.tflite',
  /** Folder of tfjs-backend-wasm's binaries (with the trailing '/' setWasmPaths wants). */
  tfjsWasm: 'tfjs-wasm/',
  /** Folder of the model folders. */
  models: 'models/',
  /** The library's page-thread engine, one self-contained ES module (vite.lib.config.ts). */
  pageEngine: 'page-engine.js',
} as const;

/**
 * The model the library ships and starts with (vite.lib.config.ts copies it into the package): the
 * first of models/catalog.json, the app's default too. scripts/library-docs.test.ts fails when the
 * two differ, so a new default model is this line and the catalogue's first.
 */
export const DEFAULT_MODEL_ID: string = 'resemotenet-s7b';

/** The files' URLs as EngineConfig takes them. */
export interface EngineAssets {
  tfjsWasmBase: string;
  detector: { wasmBase: string; modelUrl: string };
  pageEngineUrl: string;
}

/** The URL relative URLs are resolved against: the page's (a document's base, else its location). */
export function pageUrl(): string {
  return (globalThis as { document?: { baseURI?: string } }).document?.baseURI ?? globalThis.location?.href ?? 'http://localhost/';
}

/**
 * `url` made absolute against `base`. Everything that crosses to the engine's worker must be: the
 * worker would resolve a relative URL against its own script, not against the page.
 */
export function absoluteUrl(url: string | URL, base: string = pageUrl()): string {
  return new URL(url, base).toString();
}

/** `url` as an absolute folder URL, ending in '/'. */
export function folderUrl(url: string | URL, base: string = pageUrl()): string {
  const abs = absoluteUrl(url, base);
  return abs.endsWith('/') ? abs : `${abs}/`;
}

/** The engine's files under the folder `assetsUrl` (relative to `base`, the page by default). */
export function engineAssets(assetsUrl: string | URL, base: string = pageUrl()): EngineAssets {
  const root = folderUrl(assetsUrl, base);
  return {
    tfjsWasmBase: new URL(ASSET_PATHS.tfjsWasm, root).toString(),
    detector: { wasmBase: new URL(ASSET_PATHS.detectorWasm, root).toString(), modelUrl: new URL(ASSET_PATHS.detectorModel, root).toString() },
    pageEngineUrl: new URL(ASSET_PATHS.pageEngine, root).toString(),
  };
}

/** model.json of the model folder `id` under `assetsUrl`. */
export function modelUrlIn(assetsUrl: string | URL, id: string = DEFAULT_MODEL_ID, base: string = pageUrl()): string {
  return new URL(`${ASSET_PATHS.models}${id}/model.json`, folderUrl(assetsUrl, base)).toString();
}
