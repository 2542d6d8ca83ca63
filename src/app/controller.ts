/**
 * The app's engine room, outside React: it owns the detector, the classifier, the pipeline and the
 * camera, runs backend and model switches one at a time, and reports through the store (status,
 * errors) and the frame bus (per-frame data). UI components call these functions and read state.
 */
import * as tf from '@tensorflow/tfjs';
import { activateBackend, BACKEND_LABEL, type BackendName, preferredBackend, probeBackends } from '../engine/backend';
import { EmotionClassifier } from '../engine/classifier';
import { FaceDetectorService } from '../engine/detector';
import { AppException, errors, toAppError } from '../engine/errors';
import { fetchModelArtifacts, ModelLoadError } from '../engine/modelLoader';
import { loadPhoto } from '../engine/photo';
import { EmotionPipeline } from '../engine/pipeline';
import { useStore, type ModelEntry } from '../state/store';
import { CameraSession, frameLoop, listCameras } from './camera';
import { frameBus } from './frameBus';

const BASE = import.meta.env.BASE_URL;

let detector: FaceDetectorService | null = null;
let classifier: EmotionClassifier | null = null;
let pipeline: EmotionPipeline | null = null;
/** Downloaded model artifacts by model id: a backend switch re-prepares without downloading. */
const artifactsById = new Map<string, tf.io.ModelArtifacts>();
let camera: CameraSession | null = null;
let stopLoop: (() => void) | null = null;
let framesProcessed = 0;

/** Run backend/model changes one after another, never interleaved. */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => undefined);
  return run;
}

let readyResolve: () => void = () => undefined;
/** Resolves once the detector and a classifier are ready. */
const ready = new Promise<void>((r) => (readyResolve = r));

const store = () => useStore.getState();

async function waitPipelineIdle(): Promise<void> {
  while (pipeline?.busy) await new Promise((r) => setTimeout(r, 5));
}

async function fetchModelIndex(): Promise<ModelEntry[]> {
  const res = await fetch(`${BASE}models/index.json`, { cache: 'no-cache' });
  if (!res.ok) throw new ModelLoadError(`the model list is missing (HTTP ${res.status})`);
  const models = (await res.json()) as ModelEntry[];
  if (!models.length) throw new ModelLoadError('no model is installed under models/');
  return models;
}

/** Build (or rebuild, after a backend switch) the classifier for `id` on the active backend. */
async function prepareClassifier(id: string): Promise<void> {
  const s = store();
  const entry = s.models.find((m) => m.id === id);
  if (!entry) throw new ModelLoadError(`unknown model ${id}`);
  let artifacts = artifactsById.get(id);
  if (!artifacts) {
    s.setModelStatus({ phase: 'loading', loaded: 0, total: entry.bytes, fromCache: false });
    const loaded = await fetchModelArtifacts(`${BASE}${entry.url}`, (p) => store().setModelStatus({ loaded: p.loaded, total: p.total, fromCache: p.fromCache }));
    artifacts = loaded.artifacts;
    artifactsById.set(id, artifacts);
  }
  store().setModelStatus({ phase: 'warming' });
  const next = await EmotionClassifier.fromArtifacts(artifacts);
  const warmupMs = await next.warmup();
  await waitPipelineIdle();
  const previous = classifier;
  classifier = next;
  pipeline?.setClassifier(next);
  previous?.dispose();
  store().setModelStatus({ phase: 'ready', warmupMs });
  assemblePipeline();
}

/** Once both the detector and a classifier exist, build the pipeline and release `ready`. */
function assemblePipeline(): void {
  if (pipeline || !detector || !classifier) return;
  pipeline = new EmotionPipeline(detector, classifier);
  pipeline.tracker.setOptions({ probHalfLifeMs: store().smoothingMs });
  readyResolve();
}

async function useBackend(wanted: BackendName): Promise<void> {
  const s = store();
  const result = await activateBackend(wanted, s.support ?? undefined);
  s.setBackendActive(result.active);
  if (result.fallback) {
    s.report(errors.backendMissing(`${BACKEND_LABEL[result.fallback.from]} is not available (${result.fallback.reason}); running on ${BACKEND_LABEL[result.active]} instead.`));
  } else {
    s.dismiss('backend-missing');
  }
}

/** Start everything: probe backends, pick one, load the model list, the detector and a model. */
export async function initEngine(): Promise<void> {
  const s = store();
  try {
    const support = await probeBackends();
    s.setSupport(support);
    await useBackend(s.backendWanted ?? preferredBackend(support));
  } catch (err) {
    s.report(toAppError(err));
  }
  const detectorJob = FaceDetectorService.create()
    .then((d) => {
      detector = d;
      store().setDetectorReady(true);
      assemblePipeline();
    })
    .catch((err: Error) => store().report(errors.detectorLoad(err.message)));
  const modelJob = serial(async () => {
    const models = await fetchModelIndex();
    store().setModels(models);
    const id = store().modelId && models.some((m) => m.id === store().modelId) ? (store().modelId as string) : (models[0] as ModelEntry).id;
    store().setModelId(id);
    await prepareClassifier(id);
  }).catch((err: Error) => {
    store().setModelStatus({ phase: 'error' });
    store().report(errors.modelLoad(err.message));
  });
  await Promise.all([detectorJob, modelJob]);
}

export function switchBackend(wanted: BackendName): Promise<void> {
  store().setBackendWanted(wanted);
  return serial(async () => {
    const s = store();
    if (s.backendActive === wanted) return;
    s.setBackendSwitching(true);
    try {
      await waitPipelineIdle();
      pipeline?.tracker.reset();
      // The old classifier keeps serving nothing (frames pause while switching) until the new one,
      // prepared and warmed on the new backend, replaces it.
      await useBackend(wanted);
      const id = store().modelId;
      if (id) await prepareClassifier(id);
    } catch (err) {
      store().report(toAppError(err));
    } finally {
      store().setBackendSwitching(false);
    }
  });
}

export function switchModel(id: string): Promise<void> {
  store().setModelId(id);
  return serial(async () => {
    try {
      await prepareClassifier(id);
      pipeline?.tracker.reset();
      store().dismiss('model-load');
    } catch (err) {
      store().setModelStatus({ phase: 'error' });
      store().report(errors.modelLoad((err as Error).message));
    }
  });
}

useStore.subscribe((state, prev) => {
  if (state.smoothingMs !== prev.smoothingMs) pipeline?.tracker.setOptions({ probHalfLifeMs: state.smoothingMs });
});

// ---------------------------------------------------------------------------------- camera
export async function refreshCameras(): Promise<void> {
  try {
    store().setCamera({ devices: await listCameras() });
  } catch {
    /* enumerateDevices is best effort */
  }
}

export async function startCamera(video: HTMLVideoElement, deviceId: string | null = store().camera.deviceId): Promise<void> {
  stopCamera();
  const s = store();
  s.setCamera({ phase: 'starting' });
  s.clearNotices(['camera-denied', 'camera-missing', 'camera-busy', 'camera-ended', 'camera-unsupported']);
  camera = new CameraSession(video);
  try {
    await camera.start(deviceId, () => {
      stopCamera();
      store().setCamera({ phase: 'error' });
      store().report(errors.cameraEnded());
      void refreshCameras();
    });
  } catch (err) {
    camera = null;
    store().setCamera({ phase: 'error' });
    store().report(toAppError(err));
    return;
  }
  store().setCamera({ phase: 'running', deviceId: camera.deviceId });
  await refreshCameras(); // labels become available once permission is granted
  await ready;
  if (!camera) return; // stopped while the engine was loading
  pipeline?.tracker.reset();
  frameBus.clear();
  stopLoop = frameLoop(
    video,
    async (now) => {
      if (!pipeline || store().backendSwitching || !camera) return;
      try {
        const frame = await pipeline.processVideo(video, now);
        if (!frame) return;
        framesProcessed++;
        frameBus.publish(frame, { tensors: tf.memory().numTensors, backend: tf.getBackend() });
      } catch (err) {
        store().report(toAppError(err));
      }
    },
    () => frameBus.drop(),
  );
}

export function stopCamera(): void {
  stopLoop?.();
  stopLoop = null;
  camera?.stop();
  camera = null;
  frameBus.clear();
  if (store().camera.phase === 'running' || store().camera.phase === 'starting') store().setCamera({ phase: 'idle' });
}

// ---------------------------------------------------------------------------------- photo
export async function analysePhoto(file: File): Promise<void> {
  const s = store();
  s.clearNotices(['file-not-image', 'file-corrupt', 'file-too-large', 'no-face']);
  const previous = s.photo;
  s.setPhoto({ phase: 'loading', name: file.name });
  try {
    const photo = await loadPhoto(file);
    try {
      await ready;
      await waitPipelineIdle();
      const result = await serial(() => (pipeline as EmotionPipeline).processPhoto(photo));
      if (result.faces.length === 0) store().report(errors.noFace(file.name));
      if (previous.url) URL.revokeObjectURL(previous.url);
      store().setPhoto({ phase: 'done', name: file.name, result, url: URL.createObjectURL(await bitmapToBlob(photo.bitmap)) });
    } finally {
      photo.bitmap.close();
    }
  } catch (err) {
    store().report(err instanceof AppException ? err.error : toAppError(err));
    store().setPhoto(previous.phase === 'done' ? previous : { phase: 'error', name: file.name });
  }
}

/** The working copy of the photo as PNG: what the boxes refer to, orientation already applied. */
async function bitmapToBlob(bitmap: ImageBitmap): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the photo'))), 'image/jpeg', 0.92));
}

// ---------------------------------------------------------------------------------- introspection
/** Read-only figures for the stats panel, tests and benchmarks. */
export function engineInfo() {
  return { backend: tf.getBackend(), tensors: tf.memory().numTensors, frames: framesProcessed, ready: !!pipeline };
}

/** The latest camera frame's faces, as plain data (tests and benchmarks read it). */
export function latestFaces() {
  return (frameBus.frame?.faces ?? []).map((f) => ({ id: f.id, top: f.top.emotion, probability: f.top.probability, probs: Array.from(f.probs), stale: f.stale }));
}

declare global {
  interface Window {
    __resemote?: { info: typeof engineInfo; faces: typeof latestFaces };
  }
}
window.__resemote = { info: engineInfo, faces: latestFaces };
