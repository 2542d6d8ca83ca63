/**
 * What came back instead of one of the engine's files. A file that is missing or wrong must be named
 * with its URL and what its server answered: the HTTP status, or an HTML page where a file was
 * expected (a dev server or a single-page host answers every unknown path with its index page, so a
 * wrong assetsUrl gets "200 OK" and HTML). Without this a missing wasm binary looked like a browser
 * without WebAssembly (a fallback to WebGL after ~19 s) and a wrong assetsUrl like a broken model.
 *
 * Each kind of file is recognised by its first bytes: WebAssembly starts with "\0asm", a TFLite
 * model has "TFL3" at byte 4, JSON starts with "{" or "[", an HTML page with "<".
 */
import { errorMessage } from './errorMessage';

export type AssetKind = 'json' | 'wasm' | 'tflite' | 'script' | 'weights';

const WHAT: Record<AssetKind, string> = {
  json: 'JSON',
  wasm: 'WebAssembly',
  tflite: 'a TFLite model',
  script: 'JavaScript',
  weights: "a model's weights",
};

/** The setting a wrong URL comes from: the model's files may come from modelUrl, the others only from assetsUrl. */
function hint(kind: AssetKind): string {
  return kind === 'json' || kind === 'weights' ? 'check assetsUrl (or modelUrl)' : 'check assetsUrl';
}

/** A failure to load one of the engine's files; `url` names the file. */
export class AssetError extends Error {
  override name = 'AssetError';
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}

function startsWithText(head: Uint8Array, re: RegExp): boolean {
  return re.test(new TextDecoder().decode(head.subarray(0, 64)).trimStart());
}

/**
 * What is wrong with a response for a `kind` file, from its status, its Content-Type and its first
 * bytes (`head`, when read); null when it looks like the file.
 */
export function responseProblem(kind: AssetKind, res: { ok: boolean; status: number; headers: { get(name: string): string | null } }, head?: Uint8Array): string | null {
  if (!res.ok) return `HTTP ${res.status}`;
  const type = res.headers.get('content-type') ?? '';
  // A page by its type, or by its start: an HTML tag (any "<" where the file cannot start with one).
  const page = head !== undefined && (startsWithText(head, /^<(!doctype|html|head|body|!--)/i) || (kind !== 'tflite' && kind !== 'weights' && startsWithText(head, /^</)));
  if (/text\/html/i.test(type) || page) return `an HTML page, not ${WHAT[kind]}: ${hint(kind)}`;
  if (!head || head.length < 8) return null;
  if (kind === 'wasm' && !(head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d)) return `not ${WHAT.wasm} (it does not start with "\\0asm"): ${hint(kind)}`;
  if (kind === 'tflite' && new TextDecoder().decode(head.subarray(4, 8)) !== 'TFL3') return `not ${WHAT.tflite} (no "TFL3" at byte 4): ${hint(kind)}`;
  if (kind === 'json' && !startsWithText(head, /^[[{]/)) return `not ${WHAT.json}: ${hint(kind)}`;
  return null;
}

/** The first bytes of a body (at least 8 when there are), without reading the rest. */
async function firstBytes(res: Response): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer()).subarray(0, 64);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 8) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out.subarray(0, 64);
}

/**
 * Ask for `url` and say what is wrong with what comes back (only its first bytes are read); null
 * when it looks like a `kind` file.
 */
export async function probeAsset(url: string, kind: AssetKind, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  let res: Response;
  try {
    res = await fetchImpl(url, { cache: 'no-cache' });
  } catch (err) {
    return `it could not be fetched (${errorMessage(err)})`;
  }
  if (!res.ok) {
    void res.body?.cancel().catch(() => undefined);
    return responseProblem(kind, res);
  }
  return responseProblem(kind, res, await firstBytes(res));
}

/**
 * `what` (e.g. "the face detector's runtime") at `url` failed to load with `err`: an AssetError
 * that says what its server answers, or the error itself when the file looks right.
 */
export async function loadFailure(what: string, url: string, kind: AssetKind, err: unknown, fetchImpl: typeof fetch = fetch): Promise<AssetError> {
  const problem = await probeAsset(url, kind, fetchImpl);
  return new AssetError(`${what} ${url} could not be loaded: ${problem ?? errorMessage(err)}`, url);
}
