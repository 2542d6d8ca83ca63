/**
 * A canvas drawn at the screen's pixel density: its backing store follows its CSS size times
 * devicePixelRatio, resized only when that changes (a resize clears it and costs an allocation),
 * then cleared for the next frame. The camera overlay, the photo overlay, the video overlay and the
 * timeline charts all draw this way.
 */
export interface CanvasFrame {
  /** Backing-store size, device pixels. */
  w: number;
  h: number;
  dpr: number;
}

export function prepareCanvas(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D, cssWidth = canvas.clientWidth, cssHeight = canvas.clientHeight): CanvasFrame {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(cssWidth * dpr);
  const h = Math.round(cssHeight * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  ctx.clearRect(0, 0, w, h);
  return { w, h, dpr };
}
