/**
 * Boxes at display rate. Analyses arrive a few times a second; the overlay is drawn at every
 * animation frame. Each face's shown box glides toward its latest analysed box (exponential
 * easing with a half-life, as @vladmandic/human's interpolation does), so a moving face is
 * followed smoothly instead of jumping at each result. Pure: times are passed in.
 */
import type { Box } from './box';
import { smoothingWeight } from './smoothing';

export class BoxMotion {
  private readonly shown = new Map<number, { box: Box; time: number }>();
  private targets = new Map<number, Box>();

  /** `followMs`: half-life of the glide; 0 jumps straight to each new box. */
  constructor(private readonly followMs = 70) {}

  /** The latest analysed boxes, by face id. Faces no longer listed are dropped. */
  setTargets(faces: readonly { id: number; box: Box }[]): void {
    this.targets = new Map(faces.map((f) => [f.id, f.box]));
    for (const id of this.shown.keys()) if (!this.targets.has(id)) this.shown.delete(id);
  }

  /** The box to draw for face `id` at time `now` (ms). */
  at(id: number, now: number): Box | undefined {
    const target = this.targets.get(id);
    if (!target) return undefined;
    const prev = this.shown.get(id);
    if (!prev || this.followMs <= 0) {
      this.shown.set(id, { box: { ...target }, time: now });
      return target;
    }
    const w = smoothingWeight(Math.max(0, now - prev.time), this.followMs);
    const mix = (a: number, b: number) => a + (b - a) * w;
    const box = { x: mix(prev.box.x, target.x), y: mix(prev.box.y, target.y), width: mix(prev.box.width, target.width), height: mix(prev.box.height, target.height) };
    this.shown.set(id, { box, time: now });
    return box;
  }

  /** Still gliding toward a target (the overlay should keep animating)? */
  moving(epsilon = 0.5): boolean {
    for (const [id, t] of this.targets) {
      const s = this.shown.get(id);
      if (!s) return true;
      if (Math.abs(s.box.x - t.x) > epsilon || Math.abs(s.box.y - t.y) > epsilon || Math.abs(s.box.width - t.width) > epsilon) return true;
    }
    return false;
  }

  clear(): void {
    this.shown.clear();
    this.targets.clear();
  }
}
