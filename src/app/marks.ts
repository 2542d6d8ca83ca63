/**
 * Named moments of the app's start and of a photo's way through it, as User Timing marks
 * ('resemote:<name>', with a small detail): free when nobody reads them, and what `npm run bench`
 * reads to say where the time from navigation to a result goes. Nothing leaves the page.
 */
export type MarkName = 'engine-start' | 'engine-probed' | 'engine-ready' | 'photo-picked' | 'photo-decoded' | 'photo-first' | 'photo-analysed';

export function mark(name: MarkName, detail?: Record<string, unknown>): void {
  try {
    performance.mark(`resemote:${name}`, detail ? { detail } : undefined);
  } catch {
    /* a runtime without User Timing marks */
  }
}
