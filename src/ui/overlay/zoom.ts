/**
 * Zoom and pan of a picture in a viewport, as one affine view {scale, x, y}: a picture point p is
 * shown at p * scale + (x, y). Pure: zoom about a point (the pointer, or the centre), pan by a drag,
 * always clamped so the picture covers the viewport (or is centred when smaller).
 */
export interface View {
  scale: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MAX_ZOOM = 8;

/** The whole picture in the viewport (object-fit: contain), centred. */
export function fitView(picture: Size, viewport: Size): View {
  const scale = Math.min(viewport.width / picture.width, viewport.height / picture.height);
  return { scale, x: (viewport.width - picture.width * scale) / 2, y: (viewport.height - picture.height * scale) / 2 };
}

/** Keep the picture over the viewport: no empty margin on a side unless it is smaller than the viewport. */
export function clampView(v: View, picture: Size, viewport: Size): View {
  const fit = fitView(picture, viewport);
  const scale = Math.min(Math.max(v.scale, fit.scale), fit.scale * MAX_ZOOM);
  const axis = (offset: number, pic: number, port: number) => {
    const shown = pic * scale;
    if (shown <= port) return (port - shown) / 2;
    return Math.min(0, Math.max(port - shown, offset));
  };
  return { scale, x: axis(v.x, picture.width, viewport.width), y: axis(v.y, picture.height, viewport.height) };
}

/** Zoom by `factor` keeping the viewport point (px, py) over the same picture point. */
export function zoomAt(v: View, factor: number, px: number, py: number, picture: Size, viewport: Size): View {
  const scale = v.scale * factor;
  const picX = (px - v.x) / v.scale;
  const picY = (py - v.y) / v.scale;
  return clampView({ scale, x: px - picX * scale, y: py - picY * scale }, picture, viewport);
}

export function panBy(v: View, dx: number, dy: number, picture: Size, viewport: Size): View {
  return clampView({ ...v, x: v.x + dx, y: v.y + dy }, picture, viewport);
}

/** The picture point under viewport point (px, py). */
export function toPicture(v: View, px: number, py: number): { x: number; y: number } {
  return { x: (px - v.x) / v.scale, y: (py - v.y) / v.scale };
}
