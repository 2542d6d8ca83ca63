/**
 * The settings a user expects to find again after a reload (backend, model, smoothing, mirror,
 * face filters, the measured backend choice), kept in localStorage. Pure parsing: anything missing,
 * malformed or out of range falls back to the default, so a bad stored value never breaks start-up.
 */
import { type BackendName, DEFAULT_MIN_SCORE } from '../engine';

export const SETTINGS_KEY = 'resemote.settings.v1';
/**
 * The shape's version, stored beside the settings. 2: the confidence filter's default became the
 * one face floor (0.5, was 0.6); a 0.6 stored by an earlier version was its default, not a choice
 * (every setting is stored whole), so it reads as the new default.
 */
export const SETTINGS_VERSION = 2;

export interface MeasuredChoice {
  backend: BackendName;
  /** In words, for the UI: why this backend. */
  reason: string;
}

/** How the camera reads a face: as the model reads it, or against the face's own resting face,
 *  learnt from its first seconds ('auto') or when the user says so ('manual'); app/restingFaces.ts. */
export type RestingMode = 'off' | 'auto' | 'manual';

/** The input tabs; the one chosen last is where the app opens. */
export type Mode = 'camera' | 'photo' | 'video';
const MODES: readonly Mode[] = ['camera', 'photo', 'video'];

export interface Settings {
  /** The tab chosen last (the app opens there again). */
  mode: Mode;
  /** The backend the user picked; null = the app chooses (starts on WebAssembly, measures the GPU backends beside it). */
  backendWanted: BackendName | null;
  /** The app's own choice, measured on this device, remembered so a revisit does not measure again. */
  measured: MeasuredChoice | null;
  modelId: string | null;
  smoothingMs: number;
  mirror: boolean;
  minScore: number;
  minSize: number;
  hideLowConfidence: boolean;
  /** A photo of a batch in which no face is found is read whole, as one face (marked so). */
  wholeIfNoFace: boolean;
  /** Emotion labels drawn beside the faces on a photo (off: boxes and numbers only). */
  photoLabels: boolean;
  /** The camera reads each face against its own resting face (app/restingFaces.ts): off, learnt
   *  from each face's first seconds, or set by the user's button. */
  restingMode: RestingMode;
  /** How long the engine took to get ready last time, per backend, ms (for an honest estimate). */
  readyMs: Partial<Record<BackendName, number>>;
  /** The classifier's time per backend as the app measured it here (1 + 4 faces, ms): a backend
   *  measured much slower than the running one says so in the toggle. */
  speedMs: Partial<Record<BackendName, number>>;
}

export const DEFAULT_SETTINGS: Settings = {
  mode: 'camera',
  backendWanted: null,
  measured: null,
  modelId: null,
  smoothingMs: 250,
  mirror: true,
  minScore: DEFAULT_MIN_SCORE,
  minSize: 0,
  hideLowConfidence: true,
  wholeIfNoFace: false,
  photoLabels: true,
  restingMode: 'off',
  readyMs: {},
  speedMs: {},
};

const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const isBackend = (v: unknown): v is BackendName => typeof v === 'string' && (BACKENDS as readonly string[]).includes(v);
const num = (v: unknown, lo: number, hi: number, dflt: number) => (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : dflt);
const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);

/** Positive milliseconds per backend, anything else dropped. */
function perBackend(raw: unknown): Partial<Record<BackendName, number>> {
  return Object.fromEntries(
    BACKENDS.flatMap((b) => {
      const v = (raw as Record<string, unknown> | undefined)?.[b];
      return typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 3.6e6 ? [[b, v]] : [];
    }),
  );
}

export function parseSettings(text: string | null): Settings {
  let raw: Record<string, unknown> = {};
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    if (value && typeof value === 'object' && !Array.isArray(value)) raw = value as Record<string, unknown>;
  } catch {
    /* a corrupt entry is ignored */
  }
  const d = DEFAULT_SETTINGS;
  const m = raw.measured as Record<string, unknown> | null | undefined;
  return {
    mode: typeof raw.mode === 'string' && (MODES as readonly string[]).includes(raw.mode) ? (raw.mode as Mode) : d.mode,
    backendWanted: isBackend(raw.backendWanted) ? raw.backendWanted : null,
    measured: m && isBackend(m.backend) && typeof m.reason === 'string' ? { backend: m.backend, reason: m.reason.slice(0, 300) } : null,
    modelId: typeof raw.modelId === 'string' && /^[\w.-]{1,80}$/.test(raw.modelId) ? raw.modelId : null,
    smoothingMs: num(raw.smoothingMs, 0, 2000, d.smoothingMs),
    mirror: bool(raw.mirror, d.mirror),
    minScore: (typeof raw.version === 'number' ? raw.version : 1) < 2 && raw.minScore === 0.6 ? d.minScore : num(raw.minScore, DEFAULT_MIN_SCORE, 0.99, d.minScore),
    minSize: num(raw.minSize, 0, 0.5, d.minSize),
    hideLowConfidence: bool(raw.hideLowConfidence, d.hideLowConfidence),
    wholeIfNoFace: bool(raw.wholeIfNoFace, d.wholeIfNoFace),
    photoLabels: bool(raw.photoLabels, d.photoLabels),
    restingMode: raw.restingMode === 'auto' || raw.restingMode === 'manual' || raw.restingMode === 'off' ? raw.restingMode : d.restingMode,
    readyMs: perBackend(raw.readyMs),
    speedMs: perBackend(raw.speedMs),
  };
}

export function loadSettings(storage: Pick<Storage, 'getItem'> | undefined): Settings {
  try {
    return parseSettings(storage?.getItem(SETTINGS_KEY) ?? null);
  } catch {
    return { ...DEFAULT_SETTINGS }; // storage blocked (privacy mode): defaults
  }
}

export function saveSettings(storage: Pick<Storage, 'setItem'> | undefined, settings: Settings): void {
  try {
    storage?.setItem(SETTINGS_KEY, JSON.stringify({ ...settings, version: SETTINGS_VERSION }));
  } catch {
    /* quota or privacy mode: settings just do not persist */
  }
}
