/**
 * Fetch a graph model's artifacts with byte progress, keep them in the Cache Storage for the next
 * visit, and check the weights against the SHA-256 the exporter recorded. model.json is always
 * revalidated (it is small); shards are cached under the weights' hash, so a new export replaces
 * them and a stale or corrupt cache entry is never used.
 */
import type * as tf from '@tensorflow/tfjs';
import { responseProblem } from './assetCheck';
import { errorMessage } from './errorMessage';
import { fetchJsonCached, openCache } from './jsonCache';
import { isModelJson, type ModelJson, shardPaths, toArtifacts } from './modelFormat';

export interface LoadProgress {
  loaded: number;
  total: number;
  fromCache: boolean;
}

export interface LoadedArtifacts {
  artifacts: tf.io.ModelArtifacts;
  bytes: number;
  fromCache: boolean;
}

export { fetchJsonCached, openCache } from './jsonCache';

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
  constructor(
    message: string,
    /** The file that was missing or wrong, when one was (assetCheck.ts). */
    readonly url?: string,
  ) {
    super(message);
  }
}

async function readBody(response: Response, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (!response.body) {
    const buf = new Uint8Array(await response.arrayBuffer());
    onBytes(buf.byteLength);
    return buf;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    onBytes(value.byteLength);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function fetchModelArtifacts(modelUrl: string, onProgress?: (p: LoadProgress) => void, fetchImpl: typeof fetch = fetch): Promise<LoadedArtifacts> {
  const cache = await openCache();
  const jsonUrl = new URL(modelUrl, globalThis.location?.href ?? 'http://localhost/').toString();
  let json: ModelJson;
  try {
    json = (await fetchJsonCached(jsonUrl, cache, fetchImpl)) as ModelJson;
  } catch (err) {
    throw new ModelLoadError(`the model description ${jsonUrl} could not be loaded: ${errorMessage(err)}`, jsonUrl);
  }
  if (!isModelJson(json)) {
    throw new ModelLoadError(`${modelUrl} is not a TF.js graph model (no modelTopology / weightsManifest)`);
  }
  const meta = json.userDefinedMetadata?.resemote;
  // No checksum, no model: weights that cannot be verified are never run (a tampered shard would
  // otherwise give confident nonsense).
  if (!meta?.weightsSha256 || !/^[0-9a-f]{64}$/.test(meta.weightsSha256)) {
    throw new ModelLoadError(`${modelUrl} has no SHA-256 of its weights (userDefinedMetadata.resemote.weightsSha256), so its weights cannot be verified; re-export it with training/export.py`);
  }
  const version = meta.weightsSha256;
  const paths = shardPaths(json);
  const total = meta?.weightBytes ?? 0;
  let loaded = 0;
  // From the cache only once a shard came from it and none from the network: unknown (false) before
  // the first shard, so a fresh profile never reads "from cache".
  let cachedShards = 0;
  let fetchedShards = 0;
  const fromCacheNow = () => cachedShards > 0 && fetchedShards === 0;
  const report = () => onProgress?.({ loaded, total: Math.max(total, loaded), fromCache: fromCacheNow() });
  report();
  const shards: Uint8Array[] = [];
  for (const path of paths) {
    const shardUrl = new URL(path, jsonUrl).toString();
    const key = `${shardUrl}?sha256=${version}`;
    const cached = await cache?.match(key);
    let res = cached;
    if (res) cachedShards++;
    else {
      fetchedShards++;
      try {
        res = await fetchImpl(shardUrl);
      } catch (err) {
        throw new ModelLoadError(`the model's weights ${shardUrl} could not be loaded: ${errorMessage(err)}`, shardUrl);
      }
      // A missing shard, or the HTML page a server gives for an unknown path (assetCheck.ts).
      const problem = responseProblem('weights', res);
      if (problem) throw new ModelLoadError(`the model's weights ${shardUrl} could not be loaded: ${problem}`, shardUrl);
    }
    const bytes = await readBody(res, (n) => {
      loaded += n;
      report();
    });
    shards.push(bytes);
    if (!cached && cache) await cache.put(key, new Response(bytes as Uint8Array<ArrayBuffer>));
  }
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let offset = 0;
  for (const s of shards) {
    weightData.set(s, offset);
    offset += s.byteLength;
  }
  const actual = await sha256Hex(weightData);
  if (actual !== meta.weightsSha256) {
    if (cache) for (const path of paths) await cache.delete(`${new URL(path, jsonUrl)}?sha256=${version}`);
    throw new ModelLoadError(`the weights of ${modelUrl} are corrupt (SHA-256 mismatch); reload to download them again`);
  }
  return {
    artifacts: toArtifacts(json, weightData.buffer),
    bytes: loaded,
    fromCache: fromCacheNow(),
  };
}
