/**
 * The app's state: settings, status, errors, load progress. Built from small slices; actions live
 * in the store; components select one field at a time. Per-frame data (boxes, probabilities,
 * timings) does NOT live here: it goes through src/app/frameBus.ts to canvases and refs.
 */
import type { Explanation } from '../engine';
import { create } from 'zustand';
import { type BackendName, type BackendSupportMap, DEFAULT_MIN_SCORE, type EngineThread, type FrameResult, type ModelEntry } from '../engine';
import type { AppError } from './errors';
import { DEFAULT_SETTINGS, type MeasuredChoice, type Settings } from './settings';

export type { Mode } from './settings';
import type { Mode, RestingMode } from './settings';

export type { ModelEntry } from '../engine';

export type LoadPhase = 'idle' | 'loading' | 'warming' | 'ready' | 'error';

export interface ModelStatus {
  phase: LoadPhase;
  loaded: number;
  total: number;
  fromCache: boolean;
  warmupMs?: number;
}

/** The engine's readiness: analyses wait while loading, and fail at once (with the error) when failed. */
export type EnginePhase = 'loading' | 'ready' | 'failed';

export interface EngineState {
  phase: EnginePhase;
  error?: AppError;
  thread?: EngineThread;
  /** Why the engine runs on the page rather than in a worker. */
  threadReason?: string;
  /** Why this backend runs (asked for, measured, remembered, the only one). */
  backendReason?: string;
  /** The backend the first engine is being made on (what the loading text names). */
  startingOn?: BackendName;
}

export type CameraPhase = 'idle' | 'starting' | 'running' | 'error';
/** The user's resting face on the camera ('manual' resting mode): none yet, being learnt, set, or
 *  missed (no face was in view while it was being learnt). */
export type RestCapture = 'none' | 'capturing' | 'set' | 'missed';

export interface CameraDevice {
  deviceId: string;
  label: string;
}

export interface PhotoState {
  phase: 'idle' | 'loading' | 'done' | 'error';
  name?: string;
  result?: FrameResult;
  /** The photo as analysed (orientation applied), for the annotated canvas and thumbnails. */
  image?: ImageBitmap;
  /** A file being analysed now (the result shown is still the previous one). */
  pending?: string;
  /** The photo on screen is being read again (by a new model, or whole): the result shown is the earlier read's. */
  rereading?: boolean;
  /** The file last chosen could not be analysed: the result shown is the previous photo's. */
  failed?: string;
  /** "Why?" asked for these faces (by id): the map once made, or why it could not be. */
  explanations?: Record<number, PhotoExplanation>;
  /** The faces of the whole photo are shown; its tiles are still searched for smaller faces, which
   *  will be added after them (the faces shown stay as they are). */
  searching?: boolean;
}

export type PhotoExplanation = { phase: 'pending' } | { phase: 'done'; map: Explanation } | { phase: 'error'; message: string };

interface SettingsSlice extends Settings {
  setMode(mode: Mode): void;
  setBackendWanted(b: BackendName): void;
  setMeasured(m: MeasuredChoice): void;
  setModelId(id: string): void;
  setSmoothingMs(ms: number): void;
  setMirror(on: boolean): void;
  setMinScore(v: number): void;
  setMinSize(v: number): void;
  setHideLowConfidence(on: boolean): void;
  setWholeIfNoFace(on: boolean): void;
  setRestingMode(mode: RestingMode): void;
  setPhotoLabels(on: boolean): void;
  setReadyMs(b: BackendName, ms: number): void;
  setSpeedMs(speeds: Partial<Record<BackendName, number>>): void;
  applySettings(s: Settings): void;
}

interface StatusSlice {
  support: BackendSupportMap | null;
  backendActive: BackendName | null;
  backendSwitching: boolean;
  /** When the switch under way began (performance.now()), null when none is. */
  switchingSince: number | null;
  /** A backend being warmed in a second engine while the running one analyses (null: none), and
   *  whether it must measure faster to take over (false: it was picked, or measured so earlier). */
  warming: { backend: BackendName; measured: boolean } | null;
  models: ModelEntry[];
  /** The model that is running now (provenance); modelId is the one asked for. */
  modelActive: string | null;
  model: ModelStatus;
  detectorReady: boolean;
  engine: EngineState;
  /**
   * When the engine or the model last started getting ready (performance.now()), null while ready:
   * the load indicator times this load (a model switch an hour in), not the page's life.
   */
  loadingSince: number | null;
  setSupport(s: BackendSupportMap): void;
  setBackendActive(b: BackendName | null): void;
  setBackendSwitching(on: boolean): void;
  setWarming(w: { backend: BackendName; measured: boolean } | null): void;
  setModels(m: ModelEntry[]): void;
  setModelActive(id: string | null): void;
  setModelStatus(s: Partial<ModelStatus>): void;
  setDetectorReady(on: boolean): void;
  setEngine(e: Partial<EngineState>): void;
}

interface CameraSlice {
  camera: { phase: CameraPhase; devices: CameraDevice[]; deviceId: string | null; rest: RestCapture };
  setCamera(c: Partial<CameraSlice['camera']>): void;
}

interface PhotoSlice {
  photo: PhotoState;
  setPhoto(p: PhotoState): void;
}

interface SessionSlice {
  /** The session opened from the list, shown in the main column (null: none). */
  openedSession: string | null;
  setOpenedSession(id: string | null): void;
}

interface UpdateSlice {
  /** A new version of the app is installed and waiting (service worker); apply() reloads into it. */
  update: { apply(): void } | null;
  setUpdate(u: { apply(): void } | null): void;
}

interface NoticeSlice {
  /** Errors and notices the user has not dismissed, newest last; one per code. */
  notices: AppError[];
  report(e: AppError): void;
  dismiss(code: AppError['code']): void;
  clearNotices(codes?: AppError['code'][]): void;
}

export type AppState = SettingsSlice & StatusSlice & CameraSlice & PhotoSlice & NoticeSlice & UpdateSlice & SessionSlice;

const clampNum = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** Is the engine or the model getting ready (what the load indicator shows)? */
export function isLoading(s: Pick<AppState, 'engine' | 'model'>): boolean {
  return s.engine.phase === 'loading' || s.model.phase === 'loading' || s.model.phase === 'warming';
}

/** `next` with loadingSince moved on when loading starts, and cleared when it ends. */
function withLoadingSince<T extends Partial<Pick<AppState, 'engine' | 'model'>>>(st: AppState, next: T): T & { loadingSince: number | null } {
  const was = isLoading(st);
  const now = isLoading({ engine: next.engine ?? st.engine, model: next.model ?? st.model });
  return { ...next, loadingSince: now ? (was && st.loadingSince !== null ? st.loadingSince : performance.now()) : null };
}

const initial = {
  ...DEFAULT_SETTINGS,
  support: null,
  backendActive: null,
  backendSwitching: false,
  switchingSince: null as number | null,
  warming: null as { backend: BackendName; measured: boolean } | null,
  models: [] as ModelEntry[],
  modelActive: null,
  model: { phase: 'idle', loaded: 0, total: 0, fromCache: false } as ModelStatus,
  detectorReady: false,
  engine: { phase: 'loading' } as EngineState,
  loadingSince: null as number | null,
  camera: { phase: 'idle' as CameraPhase, devices: [] as CameraDevice[], deviceId: null, rest: 'none' as RestCapture },
  photo: { phase: 'idle' } as PhotoState,
  notices: [] as AppError[],
  update: null,
  openedSession: null as string | null,
};

export const useStore = create<AppState>()((set) => ({
  ...initial,
  setMode: (mode) => set({ mode }),
  setBackendWanted: (backendWanted) => set({ backendWanted }),
  setMeasured: (measured) => set({ measured }),
  setModelId: (modelId) => set({ modelId }),
  setSmoothingMs: (ms) => set({ smoothingMs: clampNum(Math.round(ms), 0, 2000) }),
  setMirror: (mirror) => set({ mirror }),
  setMinScore: (v) => set({ minScore: clampNum(v, DEFAULT_MIN_SCORE, 0.99) }),
  setMinSize: (v) => set({ minSize: clampNum(v, 0, 0.5) }),
  setHideLowConfidence: (hideLowConfidence) => set({ hideLowConfidence }),
  setWholeIfNoFace: (wholeIfNoFace) => set({ wholeIfNoFace }),
  setRestingMode: (restingMode) => set({ restingMode }),
  setPhotoLabels: (photoLabels) => set({ photoLabels }),
  setReadyMs: (b, ms) => set((st) => ({ readyMs: { ...st.readyMs, [b]: Math.round(ms) } })),
  setSpeedMs: (speeds) => set((st) => ({ speedMs: { ...st.speedMs, ...Object.fromEntries(Object.entries(speeds).map(([b, v]) => [b, Math.round(v * 10) / 10])) } })),
  applySettings: (s) => set({ ...s }),
  setSupport: (support) => set({ support }),
  setBackendActive: (backendActive) => set({ backendActive }),
  setBackendSwitching: (backendSwitching) => set({ backendSwitching, switchingSince: backendSwitching ? performance.now() : null }),
  setWarming: (warming) => set({ warming }),
  setModels: (models) => set({ models }),
  setModelActive: (modelActive) => set({ modelActive }),
  setModelStatus: (s) => set((st) => withLoadingSince(st, { model: { ...st.model, ...s } })),
  setDetectorReady: (detectorReady) => set({ detectorReady }),
  setEngine: (e) => set((st) => withLoadingSince(st, { engine: { ...st.engine, ...e } })),
  setCamera: (c) => set((st) => ({ camera: { ...st.camera, ...c } })),
  setPhoto: (photo) => set({ photo }),
  setUpdate: (update) => set({ update }),
  setOpenedSession: (openedSession) => set({ openedSession }),
  report: (e) => set((st) => ({ notices: [...st.notices.filter((n) => n.code !== e.code), e] })),
  dismiss: (code) => set((st) => ({ notices: st.notices.filter((n) => n.code !== code) })),
  clearNotices: (codes) => set((st) => ({ notices: codes ? st.notices.filter((n) => !codes.includes(n.code)) : [] })),
}));

export type Store = typeof useStore;

/** The persisted part of the state. */
export function settingsOf(s: AppState): Settings {
  return {
    mode: s.mode,
    backendWanted: s.backendWanted,
    measured: s.measured,
    modelId: s.modelId,
    smoothingMs: s.smoothingMs,
    mirror: s.mirror,
    minScore: s.minScore,
    minSize: s.minSize,
    hideLowConfidence: s.hideLowConfidence,
    wholeIfNoFace: s.wholeIfNoFace,
    photoLabels: s.photoLabels,
    restingMode: s.restingMode,
    readyMs: s.readyMs,
    speedMs: s.speedMs,
  };
}

/** Back to the initial state (tests). */
export function resetStore(): void {
  useStore.setState(initial);
}
