import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchModelArtifacts, sha256Hex } from './modelLoader';

/** A Cache Storage stand-in: one cache, in memory. */
function fakeCaches() {
  const entries = new Map<string, Response>();
  const cache = {
    match: async (key: string) => entries.get(key)?.clone(),
    put: async (key: string, res: Response) => void entries.set(key, res.clone()),
    delete: async (key: string) => entries.delete(key),
  };
  return { open: async () => cache };
}

afterEach(() => vi.unstubAllGlobals());

describe('model download progress', () => {
  it('never says "from cache" on a fresh profile; says so once every shard came from the cache', async () => {
    vi.stubGlobal('caches', fakeCaches());
    const weights = new Uint8Array(64).map((_, i) => i);
    const json = {
      format: 'graph-model',
      modelTopology: { node: [] },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [16], dtype: 'float32' }] }],
      userDefinedMetadata: { resemote: { weightsSha256: await sha256Hex(weights), weightBytes: 64 } },
    };
    const fetchImpl = (async (url: string) => (String(url).endsWith('.json') ? new Response(JSON.stringify(json)) : new Response(weights))) as unknown as typeof fetch;
    const first: boolean[] = [];
    const a = await fetchModelArtifacts('http://x/m/model.json', (p) => first.push(p.fromCache), fetchImpl);
    expect(first.length).toBeGreaterThan(1);
    expect(first.every((f) => f === false)).toBe(true); // "0.0 of 2.3 MB (from cache)" on a fresh profile, before
    expect(a.fromCache).toBe(false);
    const again: boolean[] = [];
    const b = await fetchModelArtifacts('http://x/m/model.json', (p) => again.push(p.fromCache), fetchImpl);
    expect(b.fromCache).toBe(true);
    expect(again.at(-1)).toBe(true);
  });
});
