import { useCallback, useEffect, useRef, useState } from 'react';
import type { Box } from '../engine';
import type { ViewTransform } from './overlay/layout';
import { fitView, panBy, type Size, toPicture, type View, zoomAt } from './overlay/zoom';
import { prepareCanvas } from './overlay/canvasSize';

/**
 * A picture (a canvas drawn at the photo's own resolution) in a viewport as large as the screen
 * allows, with zoom (buttons, double-click, Ctrl/pinch + wheel, + and - keys) and pan (drag, arrow
 * keys). Reports the fit scale (for sizing panels) and the face under the pointer.
 */
export function ZoomView({
  picture,
  canvasRef,
  faces,
  onFitScale,
  onHover,
  label,
  drawOverlay,
}: {
  picture: Size;
  canvasRef: React.RefObject<HTMLCanvasElement | null>;
  faces: readonly { id: number; box: Box }[];
  onFitScale?(scale: number): void;
  onHover(id: number | null): void;
  label: string;
  /** Boxes and labels, drawn at screen resolution over the picture for the view as it is now:
   *  they stay the same size at every zoom (the picture scales, the labels do not). */
  drawOverlay?(ctx: CanvasRenderingContext2D, transform: ViewTransform, width: number, height: number, dpr: number): void;
}) {
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const portRef = useRef<HTMLDivElement>(null);
  const [port, setPort] = useState<Size>({ width: 0, height: 0 });
  const [view, setView] = useState<View | null>(null);
  const drag = useRef<{ x: number; y: number; id: number } | null>(null);

  useEffect(() => {
    const el = portRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setPort({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // A new picture or a resized viewport: back to the fit.
  useEffect(() => {
    if (!port.width || !port.height) return;
    const fit = fitView(picture, port);
    setView(fit);
    onFitScale?.(fit.scale);
  }, [picture.width, picture.height, port.width, port.height]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const canvas = overlayRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !view) return;
    const { w, h, dpr } = prepareCanvas(canvas, ctx, port.width, port.height);
    drawOverlay?.(ctx, { scale: view.scale * dpr, offsetX: view.x * dpr, offsetY: view.y * dpr, mirror: false, sourceWidth: picture.width }, w, h, dpr);
  }, [view, port.width, port.height, drawOverlay, picture.width]);

  const zoom = useCallback((factor: number, px = port.width / 2, py = port.height / 2) => setView((v) => (v ? zoomAt(v, factor, px, py, picture, port) : v)), [picture, port]);
  const local = (e: { clientX: number; clientY: number }) => {
    const r = portRef.current?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  };
  const fit = view && port.width ? fitView(picture, port) : null;
  const zoomed = !!(view && fit && view.scale > fit.scale * 1.001);
  return (
    <div className="zoom">
      <div className="zoom-tools" role="toolbar" aria-label="Zoom">
        <button type="button" aria-label="Zoom in" data-testid="zoom-in" onClick={() => zoom(1.5)}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => zoom(1 / 1.5)} disabled={!zoomed}>
          −
        </button>
        <button type="button" onClick={() => fit && setView(fit)} disabled={!zoomed}>
          Fit
        </button>
        <span className="muted">{view && fit ? `${Math.round((view.scale / fit.scale) * 100)}%` : ''}</span>
      </div>
      <div
        ref={portRef}
        className={zoomed ? 'zoom-port zoomed' : 'zoom-port'}
        data-testid="zoom-port"
        tabIndex={0}
        role="group"
        aria-label={`${label}; + and - zoom, arrow keys move`}
        style={{ aspectRatio: `${picture.width} / ${picture.height}` }}
        onWheel={(e) => {
          if (!e.ctrlKey && !zoomed) return; // plain wheel scrolls the page until the user zooms
          e.preventDefault();
          const p = local(e);
          zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, p.x, p.y);
        }}
        onDoubleClick={(e) => {
          const p = local(e);
          zoom(2, p.x, p.y);
        }}
        onPointerDown={(e) => {
          if (!zoomed) return;
          drag.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
          (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d && d.id === e.pointerId && view) {
            setView(panBy(view, e.clientX - d.x, e.clientY - d.y, picture, port));
            drag.current = { ...d, x: e.clientX, y: e.clientY };
            return;
          }
          if (!view) return;
          const p = local(e);
          const at = toPicture(view, p.x, p.y);
          const hit = faces.find((f) => at.x >= f.box.x && at.x <= f.box.x + f.box.width && at.y >= f.box.y && at.y <= f.box.y + f.box.height);
          onHover(hit ? hit.id : null);
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerLeave={() => onHover(null)}
        onKeyDown={(e) => {
          const step = 60;
          const keys: Record<string, () => void> = {
            '+': () => zoom(1.5),
            '=': () => zoom(1.5),
            '-': () => zoom(1 / 1.5),
            '0': () => fit && setView(fit),
            ArrowLeft: () => view && setView(panBy(view, step, 0, picture, port)),
            ArrowRight: () => view && setView(panBy(view, -step, 0, picture, port)),
            ArrowUp: () => view && setView(panBy(view, 0, step, picture, port)),
            ArrowDown: () => view && setView(panBy(view, 0, -step, picture, port)),
          };
          const act = keys[e.key];
          if (act && (zoomed || ['+', '='].includes(e.key))) {
            e.preventDefault();
            act();
          }
        }}
      >
        <canvas
          ref={canvasRef}
          className="annotated"
          data-testid="annotated"
          role="img"
          aria-label={label}
          style={view ? { width: picture.width, height: picture.height, transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` } : { visibility: 'hidden' }}
        />
        {drawOverlay && <canvas ref={overlayRef} className="zoom-overlay" data-testid="zoom-overlay" aria-hidden="true" />}
      </div>
    </div>
  );
}
