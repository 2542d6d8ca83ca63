/**
 * The Cache Storage the models live in, and small JSON files (a model description, the model list)
 * read network first with the cached copy as the fallback (modelLoader.ts has the weights). No
 * TF.js here, not even a type: the library's declarations must stand on their own.
 */

import { responseProblem } from './assetCheck';
import { errorMessage } from './errorMessage';

const CACHE_NAME = 'resemote-models-v1';

export async function openCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null; // private mode or an insecure context: no cache, still works
  }
}

/**
 * A small JSON file (a model description, the model list), network first so a new deploy is seen at
 * once, and the copy from the last visit when the network fails (offline with a good cache).
 * A reply that is not valid JSON counts as a failure too.
 */
export async function fetchJsonCached(url: string, cache: Cache | null, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  try {
    const res = await fetchImpl(url, { cache: 'no-cache' });
    // What came back, named (assetCheck.ts): the HTTP status, or an HTML page where JSON was expected.
    const text = res.ok ? await res.text() : '';
    const problem = responseProblem('json', res, res.ok ? new TextEncoder().encode(text.slice(0, 64)) : undefined);
    if (problem) throw new Error(problem);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new Error(`not valid JSON (${errorMessage(err)})`);
    }
    await cache?.put(url, new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } }));
    return value;
  } catch (err) {
    const cached = await cache?.match(url);
    if (!cached) throw err;
    return cached.json();
  }
}
