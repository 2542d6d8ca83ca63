/**
 * The library's defaults, one place for each (tfjs-models' constants.ts): createEngine and analyse
 * merge what the caller gives over these into a copy, and never change the caller's object.
 */
import { DEFAULT_MIN_SCORE } from '../api';
import type { BackendName } from '../backendSupport';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from '../tracker';
import type { AnalyseOptions, ResultFormat } from './types';

/** The `format` of every EmotionResult this version returns. */
export const RESULT_FORMAT: ResultFormat = 'resemote-emotions/1';

/** The defaults of EngineOptions (assetsUrl has none; modelUrl's is the shipped model under it). */
export const DEFAULT_ENGINE_OPTIONS: {
  readonly backend: BackendName;
  readonly detector: { readonly minScore: number; readonly check: boolean };
  readonly thread: 'auto' | 'page';
  readonly warmupFrame: readonly [number, number];
  readonly tracker: Readonly<TrackerOptions>;
} = {
  backend: 'wasm',
  detector: { minScore: DEFAULT_MIN_SCORE, check: true },
  thread: 'auto',
  warmupFrame: [720, 1280],
  tracker: DEFAULT_TRACKER_OPTIONS,
};

/** The defaults of AnalyseOptions (time's is the moment of the call). */
export const DEFAULT_ANALYSE_OPTIONS: Readonly<Required<Omit<AnalyseOptions, 'time'>>> = {
  kind: 'photo',
  track: false,
  wholeIfNoFace: false,
};
