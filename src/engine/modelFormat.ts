/**
 * The model format, in one place: what training/export.py writes (a TF.js graph model: model.json
 * with the topology, the weights manifest and ResEmote's self-description), how its metadata is
 * read and checked, how artifacts are assembled from model.json and the shard bytes, and how a
 * model becomes an entry of the app's model list. The browser loader (modelLoader.ts), the Node
 * reader (scripts/lib/graph-model-fs.ts) and the model index (scripts/lib/models-index.ts) all use it.
 */
import type * as tf from '@tensorflow/tfjs';
import { CROP, INPUT_SIZE, LUMA, TIGHT_CROP_PADDING } from './contract.ts';
import { ASSET_PATHS } from './assets.ts';
import { EMOTIONS } from './emotions.ts';
import type { ModelEntry } from './modelEntry.ts';

export { type ModelEntry, modelName } from './modelEntry.ts';

/** model.json as the exporter writes it. */
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: { resemote?: ModelMetadata };
}

/**
 * How a model must be fed: the preprocessing it was trained with (its model card,
 * model-card.schema.json). Models exported before the card carry none and get the contract's.
 */
export interface ModelPreprocessing {
  inputSize: number;
  color: 'gray' | 'rgb';
  luma?: [number, number, number];
  range: [number, number];
  /** Square side = scale x the detector box's larger side, centre shifted by offsetY x side. */
  crop: { scale: number; offsetY: number };
  /** Crops rotated so that the eyes are level. */
  align: boolean;
  tightCropPadding?: number;
}

/** The contract's preprocessing: what every model before the card was trained with. */
export const DEFAULT_PREPROCESSING: ModelPreprocessing = {
  inputSize: INPUT_SIZE,
  color: 'gray',
  luma: LUMA,
  range: [0, 1],
  crop: CROP,
  align: false,
  tightCropPadding: TIGHT_CROP_PADDING,
};

/** What an exported model says about itself (userDefinedMetadata.resemote; schema: model-card.schema.json). */
export interface ModelMetadata {
  name: string;
  classes: string[];
  input: { name: string; shape: number[]; dtype: string; range: [number, number] };
  /** Always set once parsed (parseMetadata fills in the contract's for a model without a card). */
  preprocessing: ModelPreprocessing;
  output: { name: string; shape: number[]; temperature?: number };
  /** Inference beyond the crop: flip = the mirrored crop in the same batch, the two averaged. */
  testTime?: { flip?: boolean };
  /** The model's mean reading of neutral faces, app class order once parsed: a resting face is read against it (baseline.ts). */
  baseline?: { neutral: number[]; faces?: number; measured?: string };
  architecture: { family: string; variant: string; width: number; parameters: number; exportedParameters: number };
  metrics?: {
    splits?: Record<string, { accuracy: number; macro_f1: number; n: number; ece?: number }>;
    quantization?: Record<string, Record<string, number>>;
  };
  quantization: string;
  weightBytes: number;
  weightsSha256?: string;
  exporter: string;
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

export function isModelJson(value: unknown): value is ModelJson {
  const v = value as Partial<ModelJson> | null;
  return !!v && typeof v === 'object' && !!v.modelTopology && Array.isArray(v.weightsManifest) && v.weightsManifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights));
}

/** A card's preprocessing, or the contract's for a model without one (stored before the card). */
function readPreprocessing(value: unknown): ModelPreprocessing {
  const p = value as Partial<ModelPreprocessing> | undefined;
  if (!p || typeof p !== 'object' || p.inputSize === undefined) return DEFAULT_PREPROCESSING;
  const scale = p.crop?.scale;
  const offsetY = p.crop?.offsetY;
  if (!Number.isInteger(p.inputSize) || typeof scale !== 'number' || typeof offsetY !== 'number' || typeof p.align !== 'boolean') {
    throw new ModelFormatError("the model card's preprocessing is incomplete (inputSize, crop.scale, crop.offsetY, align)");
  }
  if (p.color !== 'gray') throw new ModelFormatError(`the model wants ${String(p.color)} input; this version of the app feeds gray faces only`);
  return { ...DEFAULT_PREPROCESSING, ...p, crop: { scale, offsetY } };
}

/** The metadata, checked against what the app can feed (the card's preprocessing and the input shape). */
export function parseMetadata(user: unknown): ModelMetadata {
  const raw = (user as { resemote?: ModelMetadata } | undefined)?.resemote;
  if (!raw || !Array.isArray(raw.classes)) {
    throw new ModelFormatError('model.json has no ResEmote metadata (userDefinedMetadata.resemote.classes)');
  }
  const preprocessing = readPreprocessing(raw.preprocessing);
  const [, h, w, c] = raw.input?.shape ?? [];
  const size = preprocessing.inputSize;
  if (h !== size || w !== size || c !== 1) {
    throw new ModelFormatError(`the model expects input ${JSON.stringify(raw.input?.shape)}, its card says [N, ${size}, ${size}, 1]`);
  }
  const neutral = raw.baseline?.neutral;
  if (neutral !== undefined && (!Array.isArray(neutral) || neutral.length !== raw.classes.length || !neutral.every((v) => typeof v === 'number' && v > 0))) {
    throw new ModelFormatError("the model card's baseline.neutral must give a positive reading for each class");
  }
  // The resting-face reference in the app's class order, as the classifier's outputs are reordered.
  const baseline = raw.baseline && neutral ? { ...raw.baseline, neutral: inAppOrder(neutral, raw.classes) } : undefined;
  return { ...raw, preprocessing, ...(baseline ? { baseline } : {}) };
}

/** Per-class values in the model's class order (`classes`) put in the app's (EMOTIONS). */
function inAppOrder(values: readonly number[], classes: readonly string[]): number[] {
  return EMOTIONS.map((e) => values[classes.indexOf(e)] as number);
}

/** Shard file names, in manifest order. */
export function shardPaths(json: ModelJson): string[] {
  return json.weightsManifest.flatMap((g) => g.paths);
}

/** In-memory artifacts for tf.GraphModel from model.json and the concatenated shard bytes. */
export function toArtifacts(json: ModelJson, weightData: ArrayBuffer): tf.io.ModelArtifacts {
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/** The picker's entry for a model folder `id`, from its model.json (`jsonBytes` = its size). */
export function toModelEntry(id: string, json: ModelJson, jsonBytes: number): ModelEntry | null {
  const meta = json.userDefinedMetadata?.resemote;
  if (!meta) return null;
  const splits = meta.metrics?.splits;
  const neutral = meta.baseline?.neutral;
  const reference =
    Array.isArray(neutral) && Array.isArray(meta.classes) && neutral.length === meta.classes.length && EMOTIONS.every((e) => meta.classes.includes(e)) ? inAppOrder(neutral, meta.classes) : null;
  return {
    id,
    name: meta.name ?? id,
    url: `${ASSET_PATHS.models}${id}/model.json`,
    bytes: (meta.weightBytes ?? 0) + jsonBytes,
    variant: meta.architecture?.variant ?? 'unknown',
    parameters: meta.architecture?.exportedParameters ?? 0,
    quantization: meta.quantization ?? 'unknown',
    ...(splits?.PrivateTest ? { accuracy: splits.PrivateTest.accuracy, macroF1: splits.PrivateTest.macro_f1 } : {}),
    ...(splits?.['CK+48'] ? { crossAccuracy: splits['CK+48'].accuracy } : {}),
    ...(reference && reference.every((v) => v > 0) ? { restingReference: reference } : {}),
  };
}
