/**
 * The app's state: settings, status, errors, load progress. Built from small slices; actions live
 * in the store; components select one field at a time. Per-frame data (boxes, probabilities,
 * timings) does NOT live here: it goes through src/app/frameBus.ts to canvases and refs.
 */
import { create } from 'zustand';
import type { BackendName, BackendSupportMap } from '../engine/backend';
import type { AppError } from '../engine/errors';
import type { FrameResult } from '../engine/pipeline';

export type Mode = 'camera' | 'photo';

/** One shipped model as the picker lists it (served as /models/index.json, built by scripts/lib/models-index.ts). */
export interface ModelEntry {
  id: string;
  name: string;
  url: string;
  bytes: number;
  variant: string;
  parameters: number;
  quantization: string;
  /** FER2013 PrivateTest accuracy measured for this export, if known. */
  accuracy?: number;
  macroF1?: number;
}

export type LoadPhase = 'idle' | 'loading' | 'warming' | 'ready' | 'error';

export interface ModelStatus {
  phase: LoadPhase;
  loaded: number;
  total: number;
  fromCache: boolean;
  warmupMs?: number;
}

export type CameraPhase = 'idle' | 'starting' | 'running' | 'error';

export interface CameraDevice {
  deviceId: string;
  label: string;
}

export interface PhotoState {
  phase: 'idle' | 'loading' | 'done' | 'error';
  name?: string;
  result?: FrameResult;
  /** Object URL of the photo as analysed (orientation applied), for the annotated canvas and thumbnails. */
  url?: string;
}

interface SettingsSlice {
  mode: Mode;
  /** The backend the user asked for; null = the best this browser has. */
  backendWanted: BackendName | null;
  modelId: string | null;
  /** Half-life of the probability smoothing, ms (0 = off). */
  smoothingMs: number;
  mirror: boolean;
  setMode(mode: Mode): void;
  setBackendWanted(b: BackendName): void;
  setModelId(id: string): void;
  setSmoothingMs(ms: number): void;
  setMirror(on: boolean): void;
}

interface StatusSlice {
  support: BackendSupportMap | null;
  backendActive: BackendName | null;
  backendSwitching: boolean;
  models: ModelEntry[];
  model: ModelStatus;
  detectorReady: boolean;
  setSupport(s: BackendSupportMap): void;
  setBackendActive(b: BackendName | null): void;
  setBackendSwitching(on: boolean): void;
  setModels(m: ModelEntry[]): void;
  setModelStatus(s: Partial<ModelStatus>): void;
  setDetectorReady(on: boolean): void;
}

interface CameraSlice {
  camera: { phase: CameraPhase; devices: CameraDevice[]; deviceId: string | null };
  setCamera(c: Partial<CameraSlice['camera']>): void;
}

interface PhotoSlice {
  photo: PhotoState;
  setPhoto(p: PhotoState): void;
}

interface NoticeSlice {
  /** Errors and notices the user has not dismissed, newest last; one per code. */
  notices: AppError[];
  report(e: AppError): void;
  dismiss(code: AppError['code']): void;
  clearNotices(codes?: AppError['code'][]): void;
}

export type AppState = SettingsSlice & StatusSlice & CameraSlice & PhotoSlice & NoticeSlice;

const initial = {
  mode: 'camera' as Mode,
  backendWanted: null,
  modelId: null,
  smoothingMs: 250,
  mirror: true,
  support: null,
  backendActive: null,
  backendSwitching: false,
  models: [] as ModelEntry[],
  model: { phase: 'idle', loaded: 0, total: 0, fromCache: false } as ModelStatus,
  detectorReady: false,
  camera: { phase: 'idle' as CameraPhase, devices: [] as CameraDevice[], deviceId: null },
  photo: { phase: 'idle' } as PhotoState,
  notices: [] as AppError[],
};

export const useStore = create<AppState>()((set) => ({
  ...initial,
  setMode: (mode) => set({ mode }),
  setBackendWanted: (backendWanted) => set({ backendWanted }),
  setModelId: (modelId) => set({ modelId }),
  setSmoothingMs: (ms) => set({ smoothingMs: Math.max(0, Math.min(2000, Math.round(ms))) }),
  setMirror: (mirror) => set({ mirror }),
  setSupport: (support) => set({ support }),
  setBackendActive: (backendActive) => set({ backendActive }),
  setBackendSwitching: (backendSwitching) => set({ backendSwitching }),
  setModels: (models) => set({ models }),
  setModelStatus: (s) => set((st) => ({ model: { ...st.model, ...s } })),
  setDetectorReady: (detectorReady) => set({ detectorReady }),
  setCamera: (c) => set((st) => ({ camera: { ...st.camera, ...c } })),
  setPhoto: (photo) => set({ photo }),
  report: (e) => set((st) => ({ notices: [...st.notices.filter((n) => n.code !== e.code), e] })),
  dismiss: (code) => set((st) => ({ notices: st.notices.filter((n) => n.code !== code) })),
  clearNotices: (codes) => set((st) => ({ notices: codes ? st.notices.filter((n) => !codes.includes(n.code)) : [] })),
}));

/** Back to the initial state (tests). */
export function resetStore(): void {
  useStore.setState(initial);
}
