/**
 * A small typed event emitter: `on` returns the function that stops listening. A listener that
 * throws does not stop the others nor the engine: its error is reported to the page (reportError,
 * as an uncaught error would be) once the event has gone round.
 */
export class Emitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<(event: never) => void>>();

  on<K extends keyof M>(type: K, listener: (event: M[K]) => void): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
    return () => void set.delete(listener);
  }

  emit<K extends keyof M>(type: K, event: M[K]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        (listener as (event: M[K]) => void)(event);
      } catch (err) {
        const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
        queueMicrotask(() => {
          if (report) report(err);
          else throw err;
        });
      }
    }
  }

  /** How many listen to `type` (tests). */
  count(type: keyof M): number {
    return this.listeners.get(type)?.size ?? 0;
  }
}
