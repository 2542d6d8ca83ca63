import { useEffect, useMemo, useRef } from 'react';
import { type BatchItem, batchSummary, batchToCsv, batchToJson } from '../app/batch';
import { APP_VERSION } from '../app/recorder';
import { EMOTION_COLOR, EMOTION_LABEL, type FaceResult, type FrameResult, visibleFaces } from '../engine';
import { toAppError } from '../state/errors';
import { useStore } from '../state/store';
import { annotatedJpeg } from './annotate';
import { useApp } from './context';
import { download } from './download';
import { countsInWords } from './SessionsPanel';
import { useSubscribed } from './useSubscribed';

function Thumb({ bitmap }: { bitmap: ImageBitmap }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    c.width = bitmap.width;
    c.height = bitmap.height;
    ctx.drawImage(bitmap, 0, 0);
  }, [bitmap]);
  return <canvas ref={ref} className="batch-thumb" aria-hidden="true" />;
}

function Card({ item, faces, onOpen }: { item: BatchItem; faces: FaceResult[]; onOpen?: () => void }) {
  return (
    <li className={`batch-card ${item.status}`} data-testid="batch-item" data-status={item.status}>
      {item.thumb ? <Thumb bitmap={item.thumb} /> : <div className="batch-thumb placeholder" aria-hidden="true" />}
      <div className="batch-body">
        {onOpen ? (
          <button type="button" className="batch-name link" title={`Open ${item.name}`} data-testid="batch-open" onClick={onOpen}>
            {item.name}
          </button>
        ) : (
          <div className="batch-name" title={item.name}>
            {item.name}
          </div>
        )}
        {item.status === 'pending' && <div className="muted">waiting…</div>}
        {(item.status === 'cancelled' || item.status === 'skipped') && <div className="muted">{item.message}</div>}
        {item.status === 'error' && (
          <div className="batch-error" data-testid="batch-error">
            {item.message}
          </div>
        )}
        {item.status === 'done' && (
          <div className="batch-faces">
            {faces.length === 0 ? (
              <span className="muted">{item.message ?? 'no face shown'}</span>
            ) : (
              faces.map((f) => (
                <span key={f.id} className="chip" style={{ borderColor: EMOTION_COLOR[f.top.emotion] }}>
                  #{f.id} {EMOTION_LABEL[f.top.emotion]} {Math.round(f.top.probability * 100)}%{item.result?.whole ? ' (whole photo)' : ''}
                </span>
              ))
            )}
          </div>
        )}
      </div>
    </li>
  );
}

/** A batch of photos: progress, cancel, a grid of results, combined files. */
export function BatchView() {
  const { batch, photos } = useApp();
  const state = useSubscribed(batch, () => batch.state);
  const minScore = useStore((s) => s.minScore);
  const minSize = useStore((s) => s.minSize);
  const hideLowConfidence = useStore((s) => s.hideLowConfidence);
  const models = useStore((s) => s.models);
  const modelActive = useStore((s) => s.modelActive);
  const visible = useMemo(() => (r: FrameResult) => visibleFaces(r, { minScore, minSize, hideLowConfidence }), [minScore, minSize, hideLowConfidence]);
  if (state.phase === 'idle') return null;
  const total = state.items.length;
  const errors = state.items.filter((i) => i.status === 'error').length;
  const skipped = state.items.filter((i) => i.status === 'skipped').length;
  const summary = batchSummary(state.items, visible);
  const first = state.items.find((i) => i.result)?.result;
  const meta = { model: first ? (models.find((m) => m.id === first.model)?.name ?? first.model) : '', backend: first?.backend ?? '', appVersion: APP_VERSION };
  const name = `resemote-batch-${new Date(Date.now()).toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
  const modelName = (id: string) => models.find((m) => m.id === id)?.name ?? id;
  const makeZip = async () => {
    try {
      const blob = await batch.makeZip((bitmap, faces) => annotatedJpeg(bitmap, faces, minScore), visible);
      download(blob, `${name}.zip`);
    } catch (err) {
      useStore.getState().report(toAppError(err));
    }
  };
  // A card opens its photo in the photo view below, annotated, with its result list.
  const openItem = (i: number) => {
    const file = batch.file(i);
    if (file) void photos.analyse(file).then(() => document.querySelector('[data-testid="photo-result"]')?.scrollIntoView({ block: 'start' }));
  };
  const zipping = state.zip;
  return (
    <section className="batch" aria-label="Batch of photos" data-testid="batch" data-phase={state.phase}>
      <div className="batch-progress">
        <label htmlFor="batch-progress">
          {state.phase === 'running' ? 'Analysing' : state.phase === 'cancelled' ? 'Cancelled after' : 'Analysed'} {state.done} of {total} photos
          {errors ? `, ${errors} could not be analysed` : ''}
          {skipped ? `, ${skipped} skipped (not ${skipped === 1 ? 'a photo' : 'photos'})` : ''}
          {state.phase === 'running' && state.etaSeconds !== null ? `, about ${Math.ceil(state.etaSeconds)} s left` : ''}
        </label>
        <progress id="batch-progress" data-testid="batch-progress" max={total} value={state.done} />
        {summary.faces > 0 && (
          <span className="muted batch-summary" data-testid="batch-summary">
            {summary.faces} {summary.faces === 1 ? 'face' : 'faces'} in {summary.photos} {summary.photos === 1 ? 'photo' : 'photos'}: {countsInWords(summary.topEmotions)}
          </span>
        )}
        {state.phase === 'running' && (
          <button type="button" data-testid="batch-cancel" onClick={() => batch.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {state.phase !== 'running' && modelActive && state.items.some((i) => i.result && i.result.model !== modelActive) && (
        <p className="stale-note" data-testid="batch-old-model">
          These results are {modelName(state.items.find((i) => i.result && i.result.model !== modelActive)?.result?.model ?? '')}'s; the model now in use is {modelName(modelActive)}.
          <button type="button" className="link" data-testid="batch-again" onClick={() => void batch.again()}>
            Analyse the batch again
          </button>
        </p>
      )}
      {state.phase !== 'running' && (
        <div className="photo-actions">
          <button type="button" onClick={() => download(new Blob([batchToCsv(state.items, visible)], { type: 'text/csv' }), `${name}.csv`)}>
            All results (CSV)
          </button>
          <button type="button" onClick={() => download(new Blob([batchToJson(state.items, visible, meta, modelName)], { type: 'application/json' }), `${name}.json`)}>
            All results (JSON)
          </button>
          <button type="button" disabled={zipping !== null} onClick={() => void makeZip()}>
            {zipping ? `Making the ZIP: ${zipping.done + 1} of ${zipping.total}…` : 'Annotated photos (ZIP)'}
          </button>
          <button type="button" onClick={() => batch.clear()}>
            Clear
          </button>
        </div>
      )}
      <ol className="batch-grid" data-testid="batch-grid">
        {state.items.map((item, i) => (
          <Card key={`${i}-${item.name}`} item={item} faces={item.result ? visible(item.result) : []} onOpen={item.result ? () => openItem(i) : undefined} />
        ))}
      </ol>
    </section>
  );
}
