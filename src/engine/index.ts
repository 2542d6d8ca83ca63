/**
 * The engine's public entry: exactly what the library (packages/engine, built from this file by
 * vite.lib.config.ts) exports, and the only engine module the app's layers (src/app, src/ui,
 * src/state) may import: src/architecture.test.ts fails otherwise. Nothing reached from here loads
 * TF.js or MediaPipe: they come with the engine, in its worker (or on demand on the page), so a
 * page that imports this file stays light.
 *
 * Two parts:
 * - the library (docs/library.md, its reference): createEngine, its options, results,
 *   events and errors, the emotion list, the tracker;
 * - the building blocks the ResEmote app itself is made of (its engine host measures two engines
 *   side by side, its views filter and draw faces): public too, documented here, lower level.
 */

// ---- The library -------------------------------------------------------------------------
export { createEngine } from './library/emotionEngine';
export { DEFAULT_ANALYSE_OPTIONS, DEFAULT_ENGINE_OPTIONS, RESULT_FORMAT } from './library/defaults';
export type { AnalyseOptions, EmotionEngine, EmotionEngineStatus, EmotionExplanation, EmotionFace, EmotionResult, EngineEventMap, EngineInput, EngineOptions, ResultFormat } from './library/types';
export { EngineError } from './api';
export type { EngineProgress, EngineStatus, FailedPart, ModelSummary } from './api';
export { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS, topEmotion } from './emotions';
export type { Emotion } from './emotions';
export { valence } from './valence';
/** A person's resting face as a baseline: readings relative to it (the model card's baseline.neutral is the reference). */
export { relativeReading, RestingFace } from './baseline';
export { BACKEND_LABEL, CHOOSABLE_BACKENDS, probeBackends } from './backendSupport';
export type { BackendName, BackendSupport, BackendSupportMap, ChoosableBackend, GpuBackend } from './backendSupport';
export type { Box } from './box';
export { DEFAULT_TRACKER_OPTIONS, FaceTracker, trackedFaces } from './tracker';
export type { Observation, Track, TrackerOptions } from './tracker';
export { errorMessage } from './errorMessage';

// ---- Building blocks (what the app builds on) --------------------------------------------
/** The engine itself, where the browser lets it run (worker or page), and its interface. */
export { startEngine, workerSupport } from './remote';
export type { CreatedEngine, EngineThread, StartOptions } from './remote';
export type { Analysis, AnalysisKind, BenchmarkResult, CropConfig, DetectorOptions, EngineApi, EngineConfig, EngineMemory, Explanation } from './api';
/** A frame in miniature, and scene cuts read from it (the tracker's new-identity rule). */
export { THUMB } from './thumbnail';
/** A camera's own frames go to the engine as they are (read there by copy, not as bitmaps). */
export { isVideoFrame } from './frameReader';
export { blockDistance, frameSignature, histogramDistance, isSceneCut } from './sceneCut';
export type { FrameSignature } from './sceneCut';
/** The photo that is only a face (the padded retry's face is judged by what the retry reaches). */
export { isPhotoSubject, SUBJECT_SIDE } from './faces';
/** The one face floor (the detector's, the library's, the app's filter's default) and the face check. */
export { DEFAULT_MIN_SCORE } from './api';
export { FACE_CHECK } from './faceCheck';
export { preferredBackend } from './backendSupport';
/** Where the engine's files are (one folder, one layout). */
export { ASSET_PATHS, DEFAULT_MODEL_ID, engineAssets } from './assets';
export type { EngineAssets } from './assets';
/** Analyses as faces, and the page's face filters. */
export { DEFAULT_FACE_FILTER, isFiltered, isLowConfidence, numberPhotoFaces, photoFaces, toFrameResult, visibleFaces } from './faces';
export type { FaceFilter, FaceResult, FrameResult, FrameTimings, KeptReason, PhotoFaces } from './faces';
/** Drawing: boxes in a mirrored view, overlaps, and boxes that glide between analyses at display rate. */
export { clamp, intersection, iou, mirrorBox } from './box';
export { BoxMotion } from './motion';
/** A model list (the app's picker) and the cache models live in. */
export { modelName } from './modelEntry';
export type { ModelEntry } from './modelEntry';
export { fetchJsonCached, openCache } from './jsonCache';
