import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { activateBackend } from './backendActivation';
import { AssetError, probeAsset, responseProblem } from './assetCheck';
import { fetchJsonCached } from './jsonCache';
import { fetchModelArtifacts } from './modelLoader';

const HTML = '<!doctype html>\n<html><head><title>My app</title></head><body><div id="root"></div></body></html>';
const WASM = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const TFLITE = Uint8Array.from([28, 0, 0, 0, ...new TextEncoder().encode('TFL3'), 0, 0, 0, 0]);
const bytes = (s: string) => new TextEncoder().encode(s);

/** What a server answers: 404, the single-page app's index page for any path, or the file. */
type Answer = Uint8Array | string;
function respond(answer: Answer): Response {
  if (answer === 'missing') return new Response('not found', { status: 404, statusText: 'Not Found' });
  if (answer === 'html') return new Response(HTML, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  return new Response(answer as BodyInit, { headers: { 'Content-Type': typeof answer === 'string' ? 'application/json' : 'application/octet-stream' } });
}
/** A fetch that answers each URL from `files` (a 404 for any other). */
function server(files: Record<string, Answer>): typeof fetch {
  return async (input: RequestInfo | URL) => respond(files[String(input instanceof Request ? input.url : input)] ?? 'missing');
}

describe('what came back instead of a file', () => {
  it('names the HTTP status of a failed request', () => {
    expect(responseProblem('json', respond('missing'))).toBe('HTTP 404');
    expect(responseProblem('wasm', new Response('', { status: 500 }))).toBe('HTTP 500');
  });

  it('names an HTML page where a file was expected, by its type or by its first bytes, and says which setting to check', () => {
    expect(responseProblem('json', respond('html'), bytes(HTML))).toBe('an HTML page, not JSON: check assetsUrl (or modelUrl)');
    expect(responseProblem('wasm', respond('html'), bytes(HTML))).toBe('an HTML page, not WebAssembly: check assetsUrl');
    expect(responseProblem('script', respond('html'))).toBe('an HTML page, not JavaScript: check assetsUrl');
    expect(responseProblem('weights', respond('html'))).toBe("an HTML page, not a model's weights: check assetsUrl (or modelUrl)");
    // A server that gives every file one type: the page is still known by its start.
    expect(responseProblem('tflite', new Response(HTML), bytes(HTML))).toBe('an HTML page, not a TFLite model: check assetsUrl');
    expect(responseProblem('json', new Response(HTML), bytes('  <div>'))).toMatch(/^an HTML page, not JSON/);
  });

  it('knows each kind of file by its first bytes', () => {
    const ok = new Response('x');
    expect(responseProblem('wasm', ok, WASM)).toBeNull();
    expect(responseProblem('tflite', ok, TFLITE)).toBeNull();
    expect(responseProblem('json', ok, bytes(' {"format": "graph-model"}'))).toBeNull();
    expect(responseProblem('script', ok, bytes('var Module = (() => {'))).toBeNull();
    expect(responseProblem('wasm', ok, TFLITE)).toBe('not WebAssembly (it does not start with "\\0asm"): check assetsUrl');
    expect(responseProblem('tflite', ok, WASM)).toBe('not a TFLite model (no "TFL3" at byte 4): check assetsUrl');
    expect(responseProblem('json', ok, bytes('hello world'))).toBe('not JSON: check assetsUrl (or modelUrl)');
  });

  it('probes a file by its first bytes, and says when the request itself fails', async () => {
    const url = 'https://site.example/assets/tfjs-wasm/tfjs-backend-wasm-simd.wasm';
    expect(await probeAsset(url, 'wasm', server({ [url]: WASM }))).toBeNull();
    expect(await probeAsset(url, 'wasm', server({}))).toBe('HTTP 404');
    expect(await probeAsset(url, 'wasm', server({ [url]: 'html' }))).toBe('an HTML page, not WebAssembly: check assetsUrl');
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await probeAsset(url, 'wasm', offline)).toBe('it could not be fetched (Failed to fetch)');
  });
});

describe("each of the engine's files, missing or an HTML page, is an error naming its URL and what came back", () => {
  const MODEL = 'https://site.example/assets/models/m/model.json';
  const SHARD = 'https://site.example/assets/models/m/group1-shard1of1.bin';
  const modelJson = JSON.stringify({
    format: 'graph-model',
    modelTopology: { node: [] },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
    userDefinedMetadata: { resemote: { weightsSha256: 'a'.repeat(64), weightBytes: 8 } },
  });

  it.each([
    ['missing', 'HTTP 404'],
    ['html', 'an HTML page, not JSON: check assetsUrl (or modelUrl)'],
  ] as const)("the model's description (model.json), %s", async (answer, said) => {
    const err = await fetchModelArtifacts(MODEL, undefined, server({ [MODEL]: answer })).catch((e: unknown) => e);
    expect(err).toMatchObject({ url: MODEL, message: `the model description ${MODEL} could not be loaded: ${said}` });
  });

  it.each([
    ['missing', 'HTTP 404'],
    ['html', "an HTML page, not a model's weights: check assetsUrl (or modelUrl)"],
  ] as const)("the model's weights (a shard), %s", async (answer, said) => {
    const err = await fetchModelArtifacts(MODEL, undefined, server({ [MODEL]: modelJson, [SHARD]: answer })).catch((e: unknown) => e);
    expect(err).toMatchObject({ url: SHARD, message: `the model's weights ${SHARD} could not be loaded: ${said}` });
  });

  it('a JSON file that is not valid JSON says so', async () => {
    await expect(fetchJsonCached(MODEL, null, server({ [MODEL]: '{"format": ' }))).rejects.toThrow(/^not valid JSON \(/);
  });

  describe("TF.js's WebAssembly binary", () => {
    const base = 'https://site.example/assets/tfjs-wasm/';
    /** Every request made, each answered as `answer` says. */
    function serveAll(answer: Answer): string[] {
      const requested: string[] = [];
      vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
        requested.push(String(input instanceof Request ? input.url : input));
        return respond(answer);
      });
      return requested;
    }
    beforeEach(() => {
      // The wasm runtime's own lines about the failed start (Node reads the URL as a file).
      for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => undefined);
    });
    afterEach(() => {
      vi.unstubAllGlobals();
      vi.restoreAllMocks();
    });

    it.each([
      ['missing', 'HTTP 404'],
      ['html', 'an HTML page, not WebAssembly: check assetsUrl'],
    ] as const)('%s: an error naming it, not a quiet start on another backend', async (answer, said) => {
      const requested = serveAll(answer);
      const err = (await activateBackend('wasm', undefined, { wasmBase: base }).catch((e: unknown) => e)) as AssetError;
      expect(err).toBeInstanceOf(AssetError);
      // SIMD where the runtime has it (Node does), the plain binary otherwise: the one that would load.
      expect(err.url).toMatch(/^https:\/\/site\.example\/assets\/tfjs-wasm\/tfjs-backend-wasm(-simd)?\.wasm$/);
      expect(requested).toContain(err.url);
      expect(err.message).toBe(`TF.js's WebAssembly binary ${err.url} could not be loaded: ${said}`);
    });

    it("where the caller keeps working without it (the app), the next backend starts and the fallback's reason names the file", async () => {
      serveAll('missing');
      const started = await activateBackend(
        'wasm',
        { webgl: { available: false, reason: 'no WebGL here' }, webgpu: { available: false, reason: 'no WebGPU here' } },
        { wasmBase: base, missingBinary: 'fall back' },
      );
      expect(started.active).toBe('cpu');
      expect(started.fallback?.from).toBe('wasm');
      expect(started.fallback?.reason).toMatch(
        /^WebAssembly \(CPU\): TF\.js's WebAssembly binary https:\/\/site\.example\/assets\/tfjs-wasm\/tfjs-backend-wasm(-simd)?\.wasm could not be loaded: HTTP 404$/,
      );
    });
  });
});
