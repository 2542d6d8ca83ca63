/**
 * The library's types (createEngine, library/emotionEngine.ts): load-time options and per-call
 * options as two types, each field with its default (the values are in library/defaults.ts), and
 * one versioned result. No TF.js or MediaPipe behind any of them.
 */
import type { EngineError, EngineProgress, EngineStatus, FailedPart } from '../api';
import type { BackendName } from '../backendSupport';
import type { Box } from '../box';
import type { Emotion } from '../emotions';
import type { EngineThread } from '../remote';
import type { TrackerOptions } from '../tracker';

/**
 * What `analyse` reads: anything the browser can make an ImageBitmap of. It stays the caller's: the
 * engine copies the pixels and never closes, transfers or changes it. An image element must have
 * loaded (it is awaited with `decode()` when it has not) and a video must have a frame.
 */
export type EngineInput = ImageBitmap | HTMLImageElement | HTMLVideoElement | HTMLCanvasElement | OffscreenCanvas | ImageData | VideoFrame | Blob;

/** Load-time options (createEngine). Only `assetsUrl` is required; the defaults are DEFAULT_ENGINE_OPTIONS. */
export interface EngineOptions {
  /**
   * The folder with the engine's files: the package's `dist/assets/`, copied to your site or served
   * where it is (`mediapipe/`: face detector and its wasm; `tfjs-wasm/`; `models/`). A relative URL
   * is resolved against the page. No default: the library never guesses a location or uses a CDN.
   */
  assetsUrl: string | URL;
  /** model.json of the emotion model: another model exported by training/export.py. Default: the
   *  model the package ships, under assetsUrl (DEFAULT_MODEL_ID). */
  modelUrl?: string | URL;
  /**
   * The TF.js backend to start on: 'wasm' is ready in about a second (no shaders to compile), and
   * as fast as a GPU backend on many machines. One the browser lacks falls back (wasm, webgl,
   * webgpu, then TF.js's JavaScript 'cpu'), and `status.fallback` says why; a missing file of the
   * engine is an error instead (EngineError with its url). Default 'wasm'.
   */
  backend?: BackendName;
  /** The face detector. */
  detector?: {
    /** Faces the detector scores lower are not reported at all, 0-1. Default: DEFAULT_ENGINE_OPTIONS.detector.minScore
     *  (0.5, the one face floor, the same as the ResEmote app's confidence filter's default). */
    minScore?: number;
    /** The face check: a detection scored under 0.8 is reported only if the detector finds it again
     *  when it looks a second time (the square around it, mirrored), which removes most false faces
     *  (a building, a window, a pattern) and keeps real faces. Default true. */
    check?: boolean;
  };
  /** 'auto': a module Web Worker where the browser can run the backend there, else the page's thread
   *  (`status.thread` and `status.threadReason` say which). 'page': always the page's thread. Default 'auto'. */
  thread?: 'auto' | 'page';
  /** The frame size [height, width] the GPU backends compile their shaders for at start. Default [720, 1280]. */
  warmupFrame?: [number, number];
  /** How `analyse(…, { track: true })` follows faces (FaceTracker). Defaults: DEFAULT_TRACKER_OPTIONS
   *  (probabilities smoothed with a 250 ms half-life; `probHalfLifeMs: 0` for none). */
  tracker?: Partial<TrackerOptions>;
  /** Progress while loading (model bytes, detector, backend, warm-up) and during later switches: the
   *  same as `engine.on('progress', …)`, but listening from the very start. */
  onProgress?: (progress: EngineProgress) => void;
}

/** Per-call options (analyse). Defaults: DEFAULT_ANALYSE_OPTIONS. */
export interface AnalyseOptions {
  /**
   * 'photo': the whole image and then tile by tile, so small faces of a group photo are found; a
   * photo that is only a face is tried again with a border; faces are numbered left to right.
   * 'frame': one detector pass over the whole frame, for camera and video frames: several times
   * faster, but a face much smaller than the frame is missed (the detector sees the frame at
   * 128 x 128), and a frame that is only a face gets no second try.
   * 'whole': no detection, the whole image read as one face. Default 'photo'.
   */
  kind?: 'photo' | 'frame' | 'whole';
  /**
   * A photo (`kind: 'photo'`) in which no face is found is read whole, as one face: its box is the
   * whole image, its `score` 0, and the result says `whole: true`. For an image you know is a face
   * the detector does not recognise (a mouth, a drawing, a face turned away). `kind: 'whole'` reads
   * any image so, without looking for faces. Default false.
   */
  wholeIfNoFace?: boolean;
  /**
   * Follow faces from call to call (a camera or a video): each face keeps its `id`, its
   * probabilities are smoothed over time, and a face missed for a moment is kept, `stale`.
   * Default false: ids 1..n in this image only, raw probabilities.
   */
  track?: boolean;
  /** The frame's time in ms, for tracking (a video's `currentTime * 1000`). Default performance.now(). */
  time?: number;
}

/** The version of EmotionResult; a change to its shape gets a new one. */
export type ResultFormat = 'resemote-emotions/1';

/** One face. */
export interface EmotionFace {
  /** 1..n left to right on a photo (engine order for a frame); the track id with `track: true`. */
  id: number;
  /** The detector's box, input pixels (x, y = top left). */
  box: Box;
  /** The square the classifier saw, input pixels (it may reach past the image's edge). */
  crop: Box;
  /** How sure the detector is that this is a face, 0-1 (not an emotion). */
  score: number;
  /** The model's calibrated probability of each emotion, summing to 1 (smoothed over time with `track: true`). */
  probabilities: Record<Emotion, number>;
  /** The most probable emotion. */
  top: {
    /** Its name (EMOTIONS). */
    emotion: Emotion;
    /** Its probability, 0-1. */
    probability: number;
  };
  /** `track: true` only: not found in this frame, kept for continuity (box and probabilities as last seen). */
  stale: boolean;
}

/** Why the model gives a face its emotion (explain): which parts of its crop drive the answer. */
export interface EmotionExplanation {
  /** The emotion explained (the face's top one unless asked for another). */
  emotion: Emotion;
  /** Its probability on the crop as is. */
  probability: number;
  /** How the map was made: occlusion sensitivity (blocks of the crop hidden with its mean gray, searched coarse to fine: 4 x 4 blocks, then the two that matter most in quarters). */
  method: 'occlusion' | 'gradient';
  /** The map's side: it has cells x cells values. */
  cells: number;
  /** The map, values in [0, 1] (1: hiding that region lowers the emotion most), row by row from the crop's top left. */
  values: number[];
  /** The crop explained, input pixels. */
  crop: Box;
  /** The engine's time for it, ms. */
  ms: number;
}

/** Everything one analyse call returns. */
export interface EmotionResult {
  /** The version of this shape. */
  format: ResultFormat;
  /** The input's width in pixels. */
  width: number;
  /** The input's height in pixels. */
  height: number;
  /** Every face found (below). */
  faces: EmotionFace[];
  /** The frame's time, ms (AnalyseOptions.time). */
  time: number;
  /** The model that produced these faces (its id). */
  model: string;
  /** The backend that ran it. */
  backend: BackendName;
  /** Where the time went, ms. */
  timings: {
    /** Finding the faces. */
    detectMs: number;
    /** Cropping and classifying them, in one batch. */
    classifyMs: number;
    /** The whole analysis in the engine (not the copy of the input before it). */
    totalMs: number;
  };
  /** A photo that is only a face: found on the retry with a border around it. */
  padded: boolean;
  /** No face was looked for or found: the whole image was read as one face (AnalyseOptions.wholeIfNoFace, kind 'whole'). */
  whole: boolean;
}

/** What the engine reports about itself. */
export interface EmotionEngineStatus extends EngineStatus {
  /** Where it runs: 'worker' (its own) or 'page' (the page's thread). */
  thread: EngineThread;
  /** Why it runs on the page's thread, when it does. */
  threadReason?: string;
  /**
   * Set when the engine can no longer analyse: its worker stopped, or on the page's thread neither
   * the new backend nor the old one could start again after switchBackend. The part that failed,
   * and its file when one was missing; every call rejects with that error until a switchBackend
   * succeeds. Absent while the engine works.
   */
  failed?: {
    /** The part that failed (EngineError.part). */
    part: FailedPart;
    /** What happened. */
    message: string;
    /** The file that was missing or wrong, when that was the failure. */
    url?: string;
  };
}

/** The events of an EmotionEngine and what each listener gets. */
export interface EngineEventMap {
  /** Loading and switching: model bytes, detector, backend, warm-up. */
  progress: EngineProgress;
  /** Every failure, with the part that failed. Each also rejects the call that met it; a worker that
   *  stops while no call is waiting is only told here. */
  error: EngineError;
  /** The backend or the model changed (switchBackend, setModel). */
  status: EmotionEngineStatus;
}

/** An engine made by createEngine. */
export interface EmotionEngine {
  /** The backend, model and thread that run now. */
  readonly status: EmotionEngineStatus;
  /** Find every face of `input` and its emotions. One call at a time is analysed; calls queue. */
  analyse(input: EngineInput, options?: AnalyseOptions): Promise<EmotionResult>;
  /**
   * Move to another TF.js backend. In a worker the running one keeps analysing until the new one is
   * warm, then they swap (no call fails or waits meanwhile); if the new one cannot start, the old one
   * stays and the promise rejects (EngineError 'backend'). On the page's thread the old one is
   * released first (two backends cannot share a thread) and calls wait for the new one.
   */
  switchBackend(backend: BackendName): Promise<EmotionEngineStatus>;
  /**
   * Why the model gives `face` (a face of an analyse result of this same input) its emotion: the
   * regions of its crop that drive the answer (occlusion sensitivity, one batch on the running
   * backend). `emotion` explains another emotion than the face's top one.
   */
  explain(input: EngineInput, face: Pick<EmotionFace, 'crop' | 'top'> & { roll?: number }, emotion?: Emotion): Promise<EmotionExplanation>;
  /** Swap the emotion model; the old one keeps analysing until the new one is warm, and stays if it fails (EngineError 'model'). */
  setModel(modelUrl: string | URL): Promise<EmotionEngineStatus>;
  /** Forget the tracked faces (a new video, a scene cut): the next tracked call starts ids at 1. */
  resetTracking(): void;
  /** Listen to an event; returns the function that stops listening. */
  on<K extends keyof EngineEventMap>(type: K, listener: (event: EngineEventMap[K]) => void): () => void;
  /** Release the worker, every tensor and the detector. Calls after it reject (EngineError 'engine'). */
  dispose(): Promise<void>;
}
