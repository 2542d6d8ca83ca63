/**
 * Read a TF.js graph model from the file system in Node (no tfjs-node needed): model.json and its
 * weight shards as in-memory artifacts, for EmotionClassifier.fromArtifacts.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
}

export async function readModelArtifacts(modelDir: string): Promise<{ json: ModelJson; artifacts: tf.io.ModelArtifacts; bytes: number }> {
  const jsonPath = modelDir.endsWith('.json') ? modelDir : join(modelDir, 'model.json');
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  const base = dirname(jsonPath);
  const buffers: ArrayBuffer[] = [];
  let bytes = 0;
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      const data = await readFile(join(base, path));
      bytes += data.byteLength;
      buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    }
  }
  const weightData = tf.io.concatenateArrayBuffers(buffers);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
  };
  bytes += Buffer.byteLength(JSON.stringify(json));
  return { json, artifacts, bytes };
}
