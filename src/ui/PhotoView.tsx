import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { looksLikePhoto } from '../app/batch';
import { exportName, resultsToCsv, resultsToJson } from '../app/results';
import { topEmotionCounts } from '../app/summary';
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS, type Explanation, type FaceResult, isLowConfidence, modelName, photoFaces, type PhotoFaces } from '../engine';
import { openFaceFilter } from './Controls';
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

/** Notices about a file the app refused: they name the file themselves. */
const FILE_NOTICES = new Set(['file-not-image', 'file-corrupt', 'file-too-large', 'file-empty', 'file-heic']);

/** The crop the model saw; with a "Why?" map, twice as large, so the map reads without zooming. */
function Thumbnail({ image, face, heat }: { image: ImageBitmap; face: FaceResult; heat?: Explanation }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const side = heat ? 144 : 72;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingQuality = 'high';
    const { x, y, width, height } = face.crop;
    if (!face.roll) {
      ctx.drawImage(image, x, y, width, height, 0, 0, side, side);
    } else {
      // What the classifier saw: the square turned by its roll (a model that aligns faces), so the
      // eyes come out level here too: the crop's centre at the thumbnail's, the image turned back.
      ctx.translate(side / 2, side / 2);
      ctx.rotate(-face.roll);
      ctx.scale(side / width, side / height);
      ctx.drawImage(image, -(x + width / 2), -(y + height / 2));
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    if (heat) drawHeat(ctx, heat, null, side); // the crop as the model saw it: the map's own frame
  }, [image, face, heat, side]);
  return <canvas ref={ref} width={side} height={side} className={heat ? 'thumb why-thumb' : 'thumb'} aria-hidden="true" data-testid={heat ? 'why-thumb' : undefined} />;
}

/** The one line that reads the map, in the scale it is drawn with. */
function WhyLegend({ face, why }: { face: FaceResult; why: PhotoExplanation | undefined }) {
  if (!why) return null;
  if (why.phase === 'pending')
    return (
      <p className="why muted" role="status">
        Finding what drives {EMOTION_LABEL[face.top.emotion]}…
      </p>
    );
  if (why.phase === 'error')
    return (
      <p className="why stale-note" role="status">
        Why? could not be shown: {why.message}
      </p>
    );
  const emotion = EMOTION_LABEL[EMOTIONS[why.map.target] ?? face.top.emotion];
  return (
    <p className="why" data-testid="why-legend">
      <span className="why-key" aria-hidden="true">
        less <span className="why-scale" style={{ background: `linear-gradient(90deg, ${heatCss(0.1)}, ${heatCss(0.5)}, ${heatCss(1)})` }} /> more
      </span>{' '}
      The warmer a part of the face, the more the model looks there to say {emotion}: hiding it lowers {emotion} most.
    </p>
  );
}

function ResultList({
  image,
  faces,
  minScore,
  whole,
  kept,
  highlight,
  onHighlight,
  explanations,
  onWhy,
}: {
  image: ImageBitmap;
  faces: FaceResult[];
  minScore: number;
  whole: boolean;
  kept: PhotoFaces['kept'];
  highlight: number | null;
  onHighlight(id: number | null): void;
  explanations?: Record<number, PhotoExplanation>;
  onWhy(id: number): void;
}) {
  return (
    <ol className="results" data-testid="result-list" aria-labelledby="faces-found">
      {faces.map((f) => {
        const low = !whole && isLowConfidence(f, { minScore });
        const why = explanations?.[f.id];
        const emotion = EMOTION_LABEL[f.top.emotion];
        return (
          <li
            key={f.id}
            data-testid="result-item"
            tabIndex={0}
            className={[low ? 'low-confidence' : '', whole ? 'whole-photo' : '', highlight === f.id ? 'highlighted' : ''].join(' ').trim() || undefined}
            onMouseEnter={() => onHighlight(f.id)}
            onMouseLeave={() => onHighlight(null)}
            onFocus={() => onHighlight(f.id)}
            onBlur={() => onHighlight(null)}
          >
            <Thumbnail image={image} face={f} heat={why?.phase === 'done' ? why.map : undefined} />
            <div className="result-body">
              <div className="result-title">
                <h3>
                  Face {f.id}: <strong style={{ color: `var(--emo-${f.top.emotion})` }}>{emotion}</strong> {Math.round(f.top.probability * 100)}%
                </h3>
                <span className="det-score" data-testid="detection-score" title="How sure the face detector is that this is a face (not an emotion)">
                  {whole
                    ? 'the whole photo, read as one face'
                    : `detection score ${Math.round(f.score * 100)}%${low ? (kept.some((k) => k.id === f.id) ? ' (uncertain face, shown: see above)' : ' (uncertain face)') : ''}`}
                </span>
                <button
                  type="button"
                  className="why-button"
                  data-testid="why-button"
                  aria-label={`Why ${emotion}? Face ${f.id}`}
                  aria-pressed={why?.phase === 'done'}
                  aria-disabled={why?.phase === 'pending'}
                  title={`Which parts of face ${f.id} make the model say ${emotion}`}
                  // Not disabled while the map is made: a disabled button drops the keyboard focus to the page.
                  onClick={() => why?.phase !== 'pending' && onWhy(f.id)}
                >
                  Why?
                </button>
              </div>
              <WhyLegend face={f} why={why} />
              <dl className="bars">
                {EMOTIONS.map((e, i) => (
                  <div key={e} className="bar-row">
                    <dt>{EMOTION_LABEL[e]}</dt>
                    <dd>
                      {/* Read once: "Angry, 1%" (the meter is drawn only). */}
                      <meter min={0} max={1} value={f.probs[i] ?? 0} aria-hidden="true" style={{ '--c': EMOTION_COLOR[e] } as React.CSSProperties} />
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

/** Why a face is shown although the filter would hide it, in words, with the way to the filter. */
function KeptNote({ kept, faces, minScore }: { kept: PhotoFaces['kept']; faces: FaceResult[]; minScore: number }) {
  if (!kept.length) return null;
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  const face = (id: number) => faces.find((f) => f.id === id);
  return (
    <p className="kept-note" data-testid="kept-note">
      {kept.map(({ id, reason }) => {
        const f = face(id);
        if (!f) return null;
        return reason === 'subject' ? (
          <span key={id} data-testid="subject-note">
            Face {id} is shown although the detector is only {pct(f.score)} sure of it, under the face filter ({pct(minScore)}): the photo is only a face, which the detector scores lower.{' '}
          </span>
        ) : (
          <span key={id} data-testid="best-note">
            The face filter would hide every face found here, so the surest one, face {id} ({pct(f.score)}), is shown, marked uncertain.{' '}
          </span>
        );
      })}
      <button type="button" className="link" data-testid="open-filter" onClick={openFaceFilter}>
        Face filter…
      </button>
    </p>
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
  const modelActive = useStore((s) => s.modelActive);
  const fileNotice = useStore((s) => s.notices.some((n) => FILE_NOTICES.has(n.code)));
  const [highlight, setHighlight] = useState<number | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const result = photo.result;
  const image = photo.image;
  const shown = useMemo(() => (result ? photoFaces(result, { minScore, minSize, hideLowConfidence }) : { faces: [], hidden: 0, kept: [] }), [result, minScore, minSize, hideLowConfidence]);
  const faces = shown.faces;
  const hidden = shown.hidden;
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
      const inView = faces.filter((f) => {
        const v = toView(f.box, transform);
        return v.x + v.width > 0 && v.y + v.height > 0 && v.x < width && v.y < height;
      });
      // "Why?" maps under the boxes, over the face the model saw.
      for (const f of inView) {
        const why = photo.explanations?.[f.id];
        if (why?.phase === 'done') drawHeat(ctx, why.map, transform, 0, f.box);
      }
      drawFaces(ctx, inView, { transform, viewWidth: width, viewHeight: height, unit: dpr, highlight, minScore: result?.whole ? 0 : minScore, showBars: labels });
    },
    [faces, highlight, minScore, labels, photo.explanations, result?.whole],
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
  // A result read by another model than the one running now (it is being read again).
  const oldModel = result && modelActive && result.model !== modelActive && !result.whole ? modelName(models, result.model) : null;
  const compact = !!result;

  return (
    <section className="photo-view" aria-labelledby="photo-heading">
      <h2 id="photo-heading" className="sr-only">
        Photo
      </h2>
      <div {...dropzone} className={`${dropzone.className}${compact ? ' compact' : ''}`} data-testid="dropzone">
        <p className="hint">{compact ? 'Another photo: drop it here, paste it, or' : "Drop photos here (one, many, or a folder's worth), paste one (Ctrl/⌘+V), or"}</p>
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
            {photo.rereading ? `Reading ${photo.pending} again${oldModel ? ` with ${modelName(models, modelActive)}` : ''}…` : `Analysing ${photo.pending}…`}
          </p>
        )}
        {/* Said once: a file the app refused has its message above; an engine failure names no file. */}
        {photo.phase === 'error' && !fileNotice && (
          <p className="photo-error" data-testid="photo-error">
            “{photo.name}” was not analysed: the message above says why.
          </p>
        )}
      </div>
      <BatchView />
      {result && image && exportResult && (
        <div className="photo-result" data-testid="photo-result" data-faces={faces.length}>
          <div className="photo-actions">
            <h2 className="result-heading" data-testid="face-count" id="faces-found">
              {faces.length} {faces.length === 1 ? 'face' : 'faces'} in {photo.name}
              {faces.length > 1 && (
                <span className="muted" data-testid="photo-summary">
                  {' '}
                  · {countsInWords(topEmotionCounts(faces))}
                </span>
              )}
            </h2>
            {hidden > 0 && (
              <span className="muted" data-testid="hidden-note">
                {hidden} more under the face filter ({Math.round(minScore * 100)} %){' '}
                <button type="button" className="link" data-testid="open-filter" onClick={openFaceFilter}>
                  Face filter…
                </button>
              </span>
            )}
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
          </div>
          {oldModel && (
            <p className="stale-note" role="status" data-testid="old-model-note">
              These results are {oldModel}'s:{' '}
              {photo.phase === 'loading' ? `${modelName(models, modelActive)} is reading the photo again…` : 'the photo could not be read again by the model now in use.'}
              {photo.phase !== 'loading' && (
                <button type="button" className="link" onClick={() => void photos.reread()}>
                  Read it again
                </button>
              )}
            </p>
          )}
          {result.whole && (
            <p className="whole-note" data-testid="whole-note">
              No face was found in {photo.name}: the whole photo was read as one face, as you asked. The files say so too.
            </p>
          )}
          <KeptNote kept={shown.kept} faces={faces} minScore={minScore} />
          {result.faces.length === 0 && (
            <p className="no-face-offer" data-testid="no-face-offer">
              No face was found. If the photo is a face the detector did not recognise (a mouth, a drawing, a face turned away),{' '}
              <button type="button" className="primary" data-testid="read-whole" onClick={() => void photos.readWhole()}>
                Read the whole photo as one face
              </button>
            </p>
          )}
          <ZoomView
            picture={{ width: result.width, height: result.height }}
            canvasRef={canvasRef}
            faces={faces}
            drawOverlay={drawOverlay}
            onHover={setHighlight}
            label={`${photo.name} with ${faces.length} faces annotated`}
          />
          <div className="photo-actions files">
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
          <ResultList
            image={image}
            faces={faces}
            minScore={minScore}
            whole={result.whole === true}
            kept={shown.kept}
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
