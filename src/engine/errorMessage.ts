/**
 * One readable line from anything thrown: an Error's message (its first line: no stack traces from
 * inside a wasm runtime), a failed load's Event ("[object Event]" otherwise), a string, or a value.
 */
export function errorMessage(err: unknown): string {
  let text: string;
  if (err instanceof Error) text = err.message || err.name;
  else if (typeof Event !== 'undefined' && err instanceof Event) {
    const target = err.target as { src?: string; url?: string } | null;
    const where = target?.src ?? target?.url;
    text = `a file failed to load${where ? ` (${where})` : ''} (${err.type} event)`;
  } else if (typeof err === 'string') text = err;
  else if (err && typeof err === 'object' && 'message' in err) text = String(err.message);
  else text = String(err);
  const first =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^at\s/.test(l)) ?? 'unknown error';
  return first.length > 300 ? `${first.slice(0, 297)}...` : first;
}
