/**
 * The engine's interface and the values that cross it, with no TF.js or MediaPipe behind them: the
 * page (engineHost.ts, remote.ts, the worker protocol) and the engine (engine.ts) both import
 * them from here, so each is defined once and the page's bundle never pulls in TF.js to name a
 * type or to recognise an EngineError. Nothing here imports a file that imports TF.js or
 * MediaPipe, not even for a type: the library's published declarations (index.ts) must stand on
 * their own (scripts/check-lib.ts walks them).
 */
import type { BackendName, BackendSupportMap } from './backendSupport';

/** How a face's square crop is placed (crop.ts; the values are in contract.json and each model's card). */
export interface CropConfig {
  /** Square side as a multiple of the detector box's larger side (FER2013 frames faces wider). */
  scale: number;
  /** Vertical shift of the square's centre, as a fraction of its side (positive = down). */
  offsetY: number;
}

/** The face detector's files and threshold (detector.ts). */
export interface DetectorOptions {
  /** Folder URL of vision_wasm_module_internal.{js,wasm} (assets.ts: `<assets>/mediapipe/wasm`). */
  wasmBase: string;
  /** URL of the detector model, with TFLite metadata (assets.ts: `<assets>/mediapipe/face_detector.tflite`). */
  modelUrl: string;
  /** The lowest detection score the detector reports. Default DEFAULT_MIN_SCORE (0.5, MediaPipe's
   *  own), the same floor as the app's face filter's default. */
  floorScore: number;
  /** A detection under faceCheck.ts's `sure` score is kept only if a second look finds it again
   *  (the face check: fewer false faces, docs/reliability.md). Default true. */
  faceCheck: boolean;
}

/**
 * The one face floor: the lowest detection score the detector reports (MediaPipe's own floor), the
 * library's `detector.minScore` default and the app's confidence filter's default alike. False
 * faces are removed by the face check (faceCheck.ts), not by a higher floor, which would hide the
 * many real faces scored 0.5-0.6 (docs/reliability.md).
 */
export const DEFAULT_MIN_SCORE = 0.5;
/** The detector's default floor: DEFAULT_MIN_SCORE. */
export const DEFAULT_FLOOR_SCORE = DEFAULT_MIN_SCORE;

/** The running model as the status names it: three fields of its card (modelFormat.ts ModelMetadata). */
export interface ModelSummary {
  name: string;
  quantization: string;
  weightBytes: number;
}

/** 'frame': one detector pass (camera and video frames). 'photo': whole, tile by tile, and a padded
 *  retry. 'whole': no detection, the whole image read as one face (a photo in which none was found). */
export type AnalysisKind = 'frame' | 'photo' | 'whole';

/** Everything an analysis returns, as flat typed arrays (cheap to send between threads). */
export interface Analysis {
  kind: AnalysisKind;
  width: number;
  height: number;
  count: number;
  /** Detector boxes, source pixels: x, y, width, height per face. */
  boxes: Float32Array;
  /** The squares the classifier saw, source pixels: x, y, width, height per face. */
  crops: Float32Array;
  /** Detection confidence per face. */
  scores: Float32Array;
  /** For a model whose card says align: the roll (radians) each crop was turned by about its
   *  centre so the eyes are level (align.ts). Absent when crops are not turned. */
  rolls?: Float32Array;
  /** A photo that is only a face: found on the retry with the photo padded by its own border
   *  (padding.ts); boxes and crops are still in the photo's pixels (a crop may reach past it). */
  padded?: boolean;
  /** Read as one face on request (kind 'whole'): the one box is the whole image, its score 0. */
  whole?: boolean;
  /** Probabilities, NUM_EMOTIONS per face, app class order. */
  probs: Float32Array;
  /** A camera or video frame (kind 'frame') in miniature, THUMB-sized RGBA (thumbnail.ts): what
   *  the page's scene-cut detection reads. Absent for photos and where no 2D canvas exists. */
  thumb?: Uint8ClampedArray;
  timings: { detectMs: number; classifyMs: number; totalMs: number };
  /** Provenance: what produced this result. */
  backend: BackendName;
  model: string;
  tensors: number;
}

export interface EngineConfig {
  /** The backend asked for; the engine falls back (backendSupport.ts fallbackOrder) and says why. */
  backend: BackendName;
  /** What the page found the browser supports (a worker cannot probe WebGL through a document); a
   *  backend left out is not known, and is tried when its turn comes. */
  support?: Partial<BackendSupportMap>;
  /** Folder URL (ending in '/') of tfjs-backend-wasm's binaries (assets.ts: `<assets>/tfjs-wasm/`); no default. */
  tfjsWasmBase: string;
  /** TF.js's WebAssembly binary missing or wrong: 'error' (the default, the library's) rejects with an
   *  EngineError naming the file; 'fall back' (the app's, which keeps working) starts the next backend,
   *  and status.fallback.reason names the file and what came back. */
  wasmBinaryMissing?: 'error' | 'fall back';
  /** URL of the model folder's model.json. */
  modelUrl: string;
  /** A name for results' provenance (the model id). */
  modelId: string;
  /** Where the detector's files are (no default) and, optionally, its score floor. */
  detector: Pick<DetectorOptions, 'wasmBase' | 'modelUrl'> & Partial<DetectorOptions>;
  crop?: CropConfig;
  /** Camera frame size to compile the crop shaders for. */
  warmupFrame?: [number, number];
  /** URL of the library's page-thread engine, a file among its assets (assets.ts); the app's own
   *  build has that engine as a chunk and gives none (remote.ts). */
  pageEngineUrl?: string;
}

export type EngineProgress =
  | { stage: 'model'; loaded: number; total: number; fromCache: boolean }
  | { stage: 'detector'; done: boolean }
  | { stage: 'backend'; backend: BackendName }
  | { stage: 'warming'; backend: BackendName };

/** The part that failed: the TF.js backend, the emotion model, the face detector, the engine itself
 *  (its worker, or a call after dispose), or the input given to the library's analyse (unreadable). */
export type FailedPart = 'backend' | 'model' | 'detector' | 'engine' | 'input';

/** A failure with the part that failed, so the page can say what to do. */
export class EngineError extends Error {
  override name = 'EngineError';
  /** The engine's file that was missing or wrong, when that is what failed (its message says what
   *  came back: the HTTP status, or an HTML page where the file was expected). */
  readonly url?: string;
  constructor(
    readonly part: FailedPart,
    message: string,
    url?: string,
  ) {
    super(message);
    if (url !== undefined) this.url = url;
  }
}

export interface EngineStatus {
  /** The TF.js backend that runs. */
  backend: BackendName;
  /** Set when the wanted backend could not start and another runs. */
  fallback?: {
    /** The backend that was wanted. */
    from: BackendName;
    /** Why it could not start. */
    reason: string;
  };
  /** The running model's id: its folder's name. */
  modelId: string;
  /** The running model as its card names it: name, quantisation, bytes of weights. */
  model: ModelSummary;
  /** ms from the start of the load to a ready engine, warm-up included. */
  loadMs: number;
  /** ms the warm-up took (shaders compiled, every batch size run once). */
  warmupMs: number;
  /** The model's weights came from the Cache Storage, not the network. */
  modelFromCache: boolean;
}

export interface BenchmarkResult {
  backend: BackendName;
  /** Median ms to classify one face crop batch of 1 and of 4 (crop + model + read back). */
  oneFaceMs: number;
  fourFacesMs: number;
}

/** Which regions of a face's crop drive the model's answer (explain.ts): cells x cells values in
 *  [0, 1], row-major from the crop's top-left, for the class `target` (app order). */
export interface Explanation {
  method: 'occlusion' | 'gradient';
  target: number;
  probability: number;
  cells: number;
  values: Float32Array;
  /** The crop explained, in the image's pixels (turned by `roll` about its centre when given). */
  crop: { x: number; y: number; width: number; height: number };
  roll?: number;
  ms: number;
}

/** What the engine holds between analyses. */
export interface EngineMemory {
  tensors: number;
  bytes: number;
  /** Shader programs (WebGL) or compute pipelines (WebGPU) compiled so far in the engine's thread;
   *  0 on WebAssembly and the CPU backend, which compile none. */
  shaders: number;
  /** Camera frames (VideoFrame) read by copy into the engine's buffer, and those that had to become
   *  a bitmap (frameReader.ts). */
  frames: { copied: number; bitmaps: number };
}

/** What the page calls, wherever the engine runs. */
export interface EngineApi {
  readonly status: EngineStatus;
  /**
   * Detect and classify every face; takes ownership of the image (it is closed or transferred). A
   * camera's own VideoFrame is read by copy into a reused buffer (frameReader.ts): no bitmap.
   * A photo is searched whole, then tile by tile for small faces: `onPartial`, when given, gets the
   * whole photo's faces as soon as they are classified; the result keeps them as they were (order,
   * boxes, probabilities) and adds after them the faces only the tiles found.
   */
  analyse(image: ImageBitmap | VideoFrame, kind: AnalysisKind, onPartial?: (first: Analysis) => void): Promise<Analysis>;
  /**
   * Why the model answers what it does for the face cut by `crop` (and `roll`) out of `image`:
   * occlusion sensitivity over its crop, for class `target` (its top class when omitted), in one
   * batch on the running backend. Takes ownership of the bitmap.
   */
  explain(image: ImageBitmap, crop: { x: number; y: number; width: number; height: number }, roll?: number, target?: number): Promise<Explanation>;
  setModel(modelUrl: string, modelId: string, onProgress?: (p: EngineProgress) => void): Promise<EngineStatus>;
  /**
   * Do now, while the user picks one, what the first analysis of a `kind` would otherwise do first
   * (a photo: the crop path at a photo's size, the model at the batch sizes of a few faces), in
   * small steps that analyses asked meanwhile come between. Once per engine; never fails.
   */
  prepare(kind: 'photo'): Promise<void>;
  benchmark(runs?: number): Promise<BenchmarkResult>;
  memory(): Promise<EngineMemory>;
  dispose(): Promise<void>;
}
