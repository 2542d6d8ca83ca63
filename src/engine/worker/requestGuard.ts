/**
 * The engine's worker fetches its own files and nothing else. MediaPipe's tasks-vision sends usage
 * logs to a Google host (odml.pa.googleapis.com, every minute and when a detector closes); the app's
 * CSP (connect-src 'self') refuses them, but a page that uses the library may have no CSP at all.
 * So the worker's fetch only goes to the origins of the URLs the engine was given (the model, the
 * wasm binaries, the detector) and its own; anything else is refused before it leaves, and
 * MediaPipe, which catches the failure, stops logging. Only the worker's own fetch is wrapped: the
 * page's is the page's.
 */
type Scope = { fetch: typeof fetch; location?: { href: string; origin: string } };

export class RequestGuard {
  private readonly origins = new Set<string>();
  /** The URLs refused so far (tests, and a reason for whoever looks). */
  readonly refused: string[] = [];

  constructor(private readonly scope: Scope) {
    if (scope.location) this.origins.add(scope.location.origin);
  }

  private originOf(url: string): string | null {
    try {
      return new URL(url, this.scope.location?.href).origin;
    } catch {
      return null;
    }
  }

  /** Let the engine fetch from the origins of `urls`. */
  allow(...urls: (string | undefined)[]): void {
    for (const url of urls) {
      const origin = url ? this.originOf(url) : null;
      if (origin && origin !== 'null') this.origins.add(origin);
    }
  }

  install(): void {
    const original = this.scope.fetch.bind(this.scope);
    this.scope.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (/^(blob|data):/.test(url)) return original(input, init);
      const origin = this.originOf(url);
      if (origin && this.origins.has(origin)) return original(input, init);
      this.refused.push(url);
      return Promise.reject(new TypeError(`the engine fetches only its own files: ${url} was refused`));
    };
  }
}
