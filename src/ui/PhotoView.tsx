import { useEffect, useRef, useState } from 'react';
import { analysePhoto } from '../app/controller';
import { exportName, resultsToCsv, resultsToJson } from '../app/results';
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS } from '../engine/emotions';
import type { FaceResult, FrameResult } from '../engine/pipeline';
import { useStore } from '../state/store';
import { drawFaces } from './overlay/draw';
import { containTransform } from './overlay/layout';

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function useImage(url: string | undefined): HTMLImageElement | null {
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  useEffect(() => {
    if (!url) return setImg(null);
    const el = new Image();
    el.onload = () => setImg(el);
    el.src = url;
    return () => void (el.onload = null);
  }, [url]);
  return img;
}

function Thumbnail({ img, face }: { img: HTMLImageElement; face: FaceResult }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(img, face.crop.x, face.crop.y, face.crop.width, face.crop.height, 0, 0, 72, 72);
  }, [img, face]);
  return <canvas ref={ref} width={72} height={72} className="thumb" aria-hidden="true" />;
}

function ResultList({ img, result }: { img: HTMLImageElement; result: FrameResult }) {
  return (
    <ol className="results" data-testid="result-list" aria-label="Faces found">
      {result.faces.map((f) => (
        <li key={f.id} data-testid="result-item">
          <Thumbnail img={img} face={f} />
          <div className="result-body">
            <div className="result-title">
              Face {f.id}: <strong style={{ color: EMOTION_COLOR[f.top.emotion] }}>{EMOTION_LABEL[f.top.emotion]}</strong>{' '}
              {Math.round(f.top.probability * 100)}%
            </div>
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
      ))}
    </ol>
  );
}

export function PhotoView() {
  const photo = useStore((s) => s.photo);
  const modelId = useStore((s) => s.modelId);
  const backend = useStore((s) => s.backendActive);
  const [dragging, setDragging] = useState(false);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const img = useImage(photo.phase === 'done' ? photo.url : undefined);
  const result = photo.phase === 'done' ? photo.result : undefined;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !img || !result) return;
    canvas.width = result.width;
    canvas.height = result.height;
    ctx.drawImage(img, 0, 0, result.width, result.height);
    const unit = Math.max(1, Math.max(result.width, result.height) / 1000);
    drawFaces(ctx, result.faces, { transform: containTransform(result.width, result.height, result.width, result.height), viewWidth: result.width, viewHeight: result.height, unit });
  }, [img, result]);

  const onFiles = (files: FileList | null | undefined) => {
    const file = files?.[0];
    if (file) void analysePhoto(file);
  };
  const ctx = { image: photo.name ?? 'photo', model: modelId ?? '', backend: backend ?? '' };

  return (
    <section className="photo-view" aria-label="Photo">
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          onFiles(e.dataTransfer.files);
        }}
      >
        <p>Drop a photo here, paste one (Ctrl/⌘+V), or</p>
        <button type="button" className="primary" onClick={() => inputRef.current?.click()}>
          Choose a photo…
        </button>
        <input
          ref={inputRef}
          type="file"
          accept="image/*"
          data-testid="file-input"
          aria-label="Choose a photo to analyse"
          hidden
          onChange={(e) => {
            onFiles(e.target.files);
            e.target.value = '';
          }}
        />
        {photo.phase === 'loading' && <p role="status">Analysing {photo.name}…</p>}
      </div>
      {result && img && (
        <div className="photo-result" data-testid="photo-result" data-faces={result.faces.length}>
          <div className="photo-actions">
            <span data-testid="face-count">
              {result.faces.length} {result.faces.length === 1 ? 'face' : 'faces'} in {photo.name} ({result.timings.totalMs.toFixed(0)} ms)
            </span>
            <button type="button" onClick={() => canvasRef.current?.toBlob((b) => b && download(b, exportName(ctx.image, 'png')), 'image/png')}>
              Download image (PNG)
            </button>
            <button type="button" onClick={() => download(new Blob([resultsToJson(result, ctx)], { type: 'application/json' }), exportName(ctx.image, 'json'))}>
              Results (JSON)
            </button>
            <button type="button" onClick={() => download(new Blob([resultsToCsv(result, ctx)], { type: 'text/csv' }), exportName(ctx.image, 'csv'))}>
              Results (CSV)
            </button>
          </div>
          <canvas ref={canvasRef} className="annotated" data-testid="annotated" role="img" aria-label={`${photo.name} with ${result.faces.length} faces annotated`} />
          <ResultList img={img} result={result} />
        </div>
      )}
    </section>
  );
}
