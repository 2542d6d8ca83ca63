/**
 * What the polite live region says: the top emotion per face, in words, at most every few seconds
 * and only when it changed, so a screen reader is informed without being flooded.
 */
import { EMOTION_LABEL, type FaceResult } from '../engine';

export function describeFaces(faces: readonly Pick<FaceResult, 'id' | 'top' | 'stale' | 'reading'>[]): string {
  const live = faces.filter((f) => !f.stale);
  if (live.length === 0) return 'No face in view.';
  const parts = live.map((f) => `face ${f.id}: ${EMOTION_LABEL[f.top.emotion].toLowerCase()}${f.reading === 'relative' ? ' (against its resting face)' : ''}`);
  return `${live.length} ${live.length === 1 ? 'face' : 'faces'}. ${parts.join(', ')}.`;
}

export class Announcer {
  private lastText = '';
  private lastTime = -Infinity;

  constructor(private readonly minIntervalMs = 3000) {}

  /** The text to announce now, or null to stay quiet. */
  next(faces: readonly Pick<FaceResult, 'id' | 'top' | 'stale' | 'reading'>[], now: number): string | null {
    const text = describeFaces(faces);
    if (text === this.lastText || now - this.lastTime < this.minIntervalMs) return null;
    this.lastText = text;
    this.lastTime = now;
    return text;
  }

  reset(): void {
    this.lastText = '';
    this.lastTime = -Infinity;
  }
}
