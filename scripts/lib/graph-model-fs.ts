/**
 * Read a TF.js graph model from the file system in Node (no tfjs-node needed): model.json and its
 * weight shards as in-memory artifacts, for EmotionClassifier.fromArtifacts.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isModelJson, type ModelJson, shardPaths, toArtifacts } from '../../src/engine/modelFormat.ts';

export async function readModelArtifacts(modelDir: string): Promise<{ json: ModelJson; artifacts: tf.io.ModelArtifacts; bytes: number }> {
  const jsonPath = modelDir.endsWith('.json') ? modelDir : join(modelDir, 'model.json');
  const parsed: unknown = JSON.parse(await readFile(jsonPath, 'utf8'));
  if (!isModelJson(parsed)) throw new Error(`${jsonPath} is not a TF.js graph model`);
  const json: ModelJson = parsed;
  const base = dirname(jsonPath);
  const buffers: ArrayBuffer[] = [];
  let bytes = 0;
  for (const path of shardPaths(json)) {
    const data = await readFile(join(base, path));
    bytes += data.byteLength;
    buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  const artifacts = toArtifacts(json, tf.io.concatenateArrayBuffers(buffers));
  bytes += Buffer.byteLength(JSON.stringify(json));
  return { json, artifacts, bytes };
}
