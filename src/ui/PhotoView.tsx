import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { looksLikePhoto } from '../app/batch';
import { exportName, resultsToCsv, resultsToJson } from '../app/results';
import { topEmotionCounts } from '../app/summary';
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS, type Explanation, type FaceResult, isLowConfidence, modelName, visibleFaces } from '../engine';
import { type PhotoExplanation, useStore } from '../state/store';
import { drawHeat, heatCss } from './overlay/heat';
import { useApp } from './context';
import { renderAnnotated } from './annotate';
import { BatchView } from './BatchView';
import { drawFaces } from './overlay/draw';
import { toView, type ViewTransform } from './overlay/layout';
import { countsInWords } from './SessionsPanel';
import { useDropzone } from './useDropzone';
import { ZoomView } from './ZoomView';
import { download } from './download';

function Thumbnail({ image, face, heat }: { image: ImageBitmap; face: FaceResult; heat?: Explanation }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingQuality = 'high';
    const { x, y, width, height } = face.crop;
    if (!face.roll) {
      ctx.drawImage(image, x, y, width, height, 0, 0, 72, 72);
    } else {
      // What the classifier saw: the square turned by its roll (a model that aligns faces), so the
      // eyes come out level here too: the crop's centre at the thumbnail's, the image turned back.
      ctx.translate(36, 36);
      ctx.rotate(-face.roll);
      ctx.scale(72 / width, 72 / height);
      ctx.drawImage(image, -(x + width / 2), -(y + height / 2));
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    if (heat) drawHeat(ctx, heat, null, 72); // the crop as the model saw it: the map's own frame
  }, [image, face, heat]);
  return <canvas ref={ref} width={72} height={72} className="thumb" aria-hidden="true" data-testid={heat ? 'why-thumb' : undefined} />;
}

/** The one line that reads the map, in the scale it is drawn with. */
function WhyLegend({ face, why }: { face: FaceResult; why: PhotoExplanation | undefined }) {
  if (!why) return null;
  if (why.phase === 'pending') return <p className="why muted" role="status">Finding what drives {EMOTION_LABEL[face.top.emotion]}…</p>;
  if (why.phase === 'error') return <p className="why stale-note" role="status">Why? could not be shown: {why.message}</p>;
  const emotion = EMOTION_LABEL[EMOTIONS[why.map.target] ?? face.top.emotion];
  return (
    <p className="why" data-testid="why-legend">
      <span className="why-scale" aria-hidden="true" style={{ background: `linear-gradient(90deg, ${heatCss(0.1)}, ${heatCss(0.5)}, ${heatCss(1)})` }} /> Warmer: hiding that part of the face lowers {emotion} more
      (each of {why.map.cells} x {why.map.cells} regions hidden in turn; {Math.round(why.map.ms)} ms).
    </p>
  );
}

function ResultList({ image, faces, minScore, highlight, onHighlight, explanations, onWhy }: { image: ImageBitmap; faces: FaceResult[]; minScore: number; highlight: number | null; onHighlight(id: number | null): void; explanations?: Record<number, PhotoExplanation>; onWhy(id: number): void }) {
  return (
    <ol className="results" data-testid="result-list" aria-label="Faces found">
      {faces.map((f) => {
        const low = isLowConfidence(f, { minScore, minSize: 0, hideLowConfidence: false });
        return (
          <li
            key={f.id}
            data-testid="result-item"
            tabIndex={0}
            className={[low ? 'low-confidence' : '', highlight === f.id ? 'highlighted' : ''].join(' ').trim() || undefined}
            onMouseEnter={() => onHighlight(f.id)}
            onMouseLeave={() => onHighlight(null)}
            onFocus={() => onHighlight(f.id)}
            onBlur={() => onHighlight(null)}
          >
            <Thumbnail image={image} face={f} heat={explanations?.[f.id]?.phase === 'done' ? (explanations[f.id] as { map: Explanation }).map : undefined} />
            <div className="result-body">
              <div className="result-title">
                <span>
                  Face {f.id}: <strong style={{ color: `var(--emo-${f.top.emotion})` }}>{EMOTION_LABEL[f.top.emotion]}</strong> {Math.round(f.top.probability * 100)}%
                </span>
                <span className="det-score" data-testid="detection-score" title="How sure the face detector is that this is a face (not an emotion)">
                  detection score {Math.round(f.score * 100)}%{low ? ' (uncertain face)' : ''}
                </span>
                <button
                  type="button"
                  className="why-button"
                  data-testid="why-button"
                  aria-pressed={explanations?.[f.id]?.phase === 'done'}
                  disabled={explanations?.[f.id]?.phase === 'pending'}
                  title={`Which parts of face ${f.id} make the model say ${EMOTION_LABEL[f.top.emotion]}`}
                  onClick={() => onWhy(f.id)}
                >
                  Why?
                </button>
              </div>
              <WhyLegend face={f} why={explanations?.[f.id]} />
              <dl className="bars">
                {EMOTIONS.map((e, i) => (
                  <div key={e} className="bar-row">
                    <dt>{EMOTION_LABEL[e]}</dt>
                    <dd>
                      <meter min={0} max={1} value={f.probs[i] ?? 0} aria-label={`${EMOTION_LABEL[e]} ${Math.round((f.probs[i] ?? 0) * 100)}%`} style={{ '--c': EMOTION_COLOR[e] } as React.CSSProperties} />
                      <span>{Math.round((f.probs[i] ?? 0) * 100)}%</span>
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function PhotoView() {
  const { photos } = useApp();
  const photo = useStore((s) => s.photo);
  const minScore = useStore((s) => s.minScore);
  const minSize = useStore((s) => s.minSize);
  const hideLowConfidence = useStore((s) => s.hideLowConfidence);
  const labels = useStore((s) => s.photoLabels);
  const models = useStore((s) => s.models);
  const [highlight, setHighlight] = useState<number | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const result = photo.result;
  const image = photo.image;
  const faces = useMemo(() => (result ? visibleFaces(result, { minScore, minSize, hideLowConfidence }) : []), [result, minScore, minSize, hideLowConfidence]);
  const hidden = result ? result.faces.length - faces.length : 0;
  // The tab is open: the engine prepares a photo's first analysis while the user picks one.
  useEffect(() => photos.prepare(), [photos]);

  // The photo is drawn at its own resolution and scaled by the zoom; boxes and labels are drawn
  // over it at screen resolution for the view as it is, so they stay readable and the same size at
  // every zoom, never covering the faces more as one zooms in. Labels can be hidden.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !image || !result) return;
    renderAnnotated(canvas, image, result.width, result.height, [], { unit: 1, highlight: null, minScore });
  }, [image, result, minScore]);
  const drawOverlay = useCallback(
    (ctx: CanvasRenderingContext2D, transform: ViewTransform, width: number, height: number, dpr: number) => {
      // Only the faces in view get a panel (a zoomed-out face's panel would sit at the edge).
      const shown = faces.filter((f) => {
        const v = toView(f.box, transform);
        return v.x + v.width > 0 && v.y + v.height > 0 && v.x < width && v.y < height;
      });
      // "Why?" maps under the boxes, over the crops the model saw.
      for (const f of shown) {
        const why = photo.explanations?.[f.id];
        if (why?.phase === 'done') drawHeat(ctx, why.map, transform);
      }
      drawFaces(ctx, shown, { transform, viewWidth: width, viewHeight: height, unit: dpr, highlight, minScore, showBars: labels });
    },
    [faces, highlight, minScore, labels, photo.explanations],
  );

  /** The PNG download: the photo at full size, panels sized for the photo (not for this screen). */
  const downloadPng = () => {
    if (!image || !result) return;
    const canvas = document.createElement('canvas');
    renderAnnotated(canvas, image, result.width, result.height, faces, { unit: Math.max(1, Math.max(result.width, result.height) / 1000), highlight: null, minScore });
    canvas.toBlob((b) => {
      if (b) download(b, exportName(ctx.image, 'png'));
      canvas.width = canvas.height = 0; // release its pixels now
    }, 'image/png');
  };

  const onFiles = (files: FileList | null | undefined) => {
    if (files?.length) void photos.analyseFiles(Array.from(files));
  };
  const dropzone = useDropzone(onFiles);

  // Provenance: the files name the model and backend that produced the result, not the current ones.
  const explained = Object.fromEntries(Object.entries(photo.explanations ?? {}).flatMap(([id, e]) => (e.phase === 'done' ? [[Number(id), e.map]] : [])));
  const ctx = { image: photo.name ?? 'photo', model: modelName(models, result?.model), backend: result?.backend ?? '', explanations: explained };
  const exportResult = result ? { ...result, faces } : undefined;

  return (
    <section className="photo-view" aria-label="Photo">
      <div {...dropzone} data-testid="dropzone">
        <p>Drop photos here (one, many, or a folder's worth), paste one (Ctrl/⌘+V), or</p>
        <button type="button" className="primary" onClick={() => inputRef.current?.click()}>
          Choose photos…
        </button>{' '}
        <button type="button" onClick={() => folderRef.current?.click()}>
          Choose a folder…
        </button>
        <input
          ref={inputRef}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp,image/gif,image/bmp,image/avif,.heic,.heif"
          data-testid="file-input"
          aria-label="Choose photos to analyse"
          hidden
          onChange={(e) => {
            onFiles(e.target.files);
            e.target.value = '';
          }}
        />
        <input
          ref={folderRef}
          type="file"
          {...{ webkitdirectory: '' }}
          data-testid="folder-input"
          aria-label="Choose a folder of photos to analyse"
          hidden
          onChange={(e) => {
            // Every file goes to the batch, which lists the ones that are not photos as skipped.
            const files = Array.from(e.target.files ?? []);
            if (files.some(looksLikePhoto)) void photos.analyseFiles(files.length > 1 ? files : files.filter(looksLikePhoto));
            e.target.value = '';
          }}
        />
        {photo.phase === 'loading' && (
          <p role="status" data-testid="photo-busy">
            Analysing {photo.pending}…
          </p>
        )}
        {photo.phase === 'error' && (
          <p className="photo-error" data-testid="photo-error">
            “{photo.name}” was not analysed: see the message above.
          </p>
        )}
      </div>
      <BatchView />
      {result && image && exportResult && (
        <div className="photo-result" data-testid="photo-result" data-faces={faces.length}>
          <div className="photo-actions">
            <span data-testid="face-count">
              {faces.length} {faces.length === 1 ? 'face' : 'faces'} in {photo.name} ({result.timings.totalMs.toFixed(0)} ms)
              {hidden > 0 && <span className="muted"> · {hidden} hidden by your face filters</span>}
              {result.padded && (
                <span className="muted" data-testid="padded-note">
                  {' '}
                  · the photo is only a face: it was found with a border added around the photo
                  {faces.some((f) => f.score < minScore) &&
                    `, where faces score lower; shown although its detection score (${Math.round(Math.min(...faces.map((f) => f.score)) * 100)} %) is below your ${Math.round(minScore * 100)} % filter`}
                </span>
              )}
              {faces.length > 1 && (
                <span className="muted" data-testid="photo-summary">
                  {' '}
                  · {countsInWords(topEmotionCounts(faces))}
                </span>
              )}
            </span>
            {photo.searching && (
              <span className="muted" role="status" data-testid="photo-searching">
                Looking for smaller faces…
              </span>
            )}
            {photo.failed && (
              <span className="stale-note" data-testid="previous-note">
                Still showing {photo.name}: “{photo.failed}” was not analysed.
              </span>
            )}
            <label className="checkbox">
              <input type="checkbox" data-testid="photo-labels" checked={labels} onChange={(e) => useStore.getState().setPhotoLabels(e.target.checked)} /> Show labels
            </label>
            <button type="button" onClick={downloadPng}>
              Download image (PNG)
            </button>
            <button type="button" onClick={() => download(new Blob([resultsToJson(exportResult, ctx)], { type: 'application/json' }), exportName(ctx.image, 'json'))}>
              Results (JSON)
            </button>
            <button type="button" onClick={() => download(new Blob([resultsToCsv(exportResult, ctx)], { type: 'text/csv' }), exportName(ctx.image, 'csv'))}>
              Results (CSV)
            </button>
          </div>
          <ZoomView
            picture={{ width: result.width, height: result.height }}
            canvasRef={canvasRef}
            faces={faces}
            drawOverlay={drawOverlay}
            onHover={setHighlight}
            label={`${photo.name} with ${faces.length} faces annotated`}
          />
          <ResultList
            image={image}
            faces={faces}
            minScore={minScore}
            highlight={highlight}
            onHighlight={setHighlight}
            explanations={photo.explanations}
            onWhy={(id) => (photo.explanations?.[id]?.phase === 'done' ? photos.hideExplanation(id) : void photos.explain(id))}
          />
        </div>
      )}
    </section>
  );
}
