import { useEffect, useRef, useState } from 'react';
import { fetchJsonCached, type ModelEntry, openCache } from '../engine';

/** The part of a model's card (model.json userDefinedMetadata.resemote) this dialog reads. */
interface Card {
  preprocessing?: { inputSize?: number; color?: string };
  testTime?: { flip?: boolean };
  training?: { data?: { source?: string; extra_sources?: string } };
  metrics?: { splits?: Record<string, { n?: number; accuracy?: number; macro_f1?: number }> };
}

/** The face sets a model learnt from, in words. */
const SOURCES: Record<string, string> = {
  fer2013: 'FER2013: about 29,000 web faces in gray',
  expw: 'ExpW: faces in web photos',
  muxspace: 'web face crops (muxspace)',
  sfew2: 'film stills (SFEW 2.0)',
  'posed-mix': 'posed faces from several labs (posed-mix)',
  'posed-more': 'more posed faces (posed-more)',
  yale: 'the Yale faces',
};

/** The measured splits, named for people, in the order they are shown. */
const SPLITS: [string, string][] = [
  ['pooled:test', 'held-out faces of every source it learnt from'],
  ['PrivateTest', 'FER2013 test set (web faces)'],
  ['CK+48', 'CK+ (posed, a set it never learnt from)'],
  ['expw:test', 'ExpW test faces (web photos)'],
  ['sfew2:test', 'SFEW test faces (film stills)'],
  ['posed-more:test', 'posed faces, test'],
];

export function sourcesOf(card: Card): string[] {
  const names = [card.training?.data?.source?.split('/').pop() ?? 'fer2013', ...(card.training?.data?.extra_sources?.split(',') ?? [])];
  return names.map((n) => SOURCES[n.trim()] ?? n.trim()).filter(Boolean);
}

/**
 * The one place a model is described (its card): what it reads, what it learnt from, its download,
 * and, for experts, how well it read faces it never saw. Read from the model list and the model's
 * own metadata, so it can never disagree with the model.
 */
export function ModelCard({ model, recommended, onClose }: { model: ModelEntry; recommended: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [card, setCard] = useState<Card | null | 'error'>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal?.();
    let live = true;
    void (async () => {
      try {
        const json = (await fetchJsonCached(new URL(model.url, document.baseURI).toString(), await openCache())) as { userDefinedMetadata?: { resemote?: Card } };
        if (live) setCard(json.userDefinedMetadata?.resemote ?? 'error');
      } catch {
        if (live) setCard('error');
      }
    })();
    return () => {
      live = false;
    };
  }, [model.url]);
  const c = card && card !== 'error' ? card : null;
  const size = c?.preprocessing?.inputSize ?? 64;
  const splits = SPLITS.flatMap(([key, words]) => {
    const s = c?.metrics?.splits?.[key];
    return s?.accuracy !== undefined ? [{ key, words, s }] : [];
  });
  return (
    <dialog ref={ref} className="model-card" data-testid="model-card" aria-labelledby="model-card-title" onClose={onClose} onCancel={onClose}>
      <h2 id="model-card-title">
        {model.name}
        {recommended ? <span className="muted"> · recommended</span> : null}
      </h2>
      <p>
        Reads the expression of each face it is given: the face is cut out square and looked at in gray, at {size} × {size} pixels
        {c?.testTime?.flip ? ', and once more as its mirror image' : ''}. It answers with seven emotions and how likely each is.
      </p>
      {c && <p data-testid="model-card-sources">Learnt from: {sourcesOf(c).join('; ')}.</p>}
      {card === 'error' && <p className="muted">Its description could not be read.</p>}
      <p>Download: {(model.bytes / 1e6).toFixed(1)} MB, kept in this browser after the first time.</p>
      <p className="muted">An estimate of the expression a face shows, not of what the person feels.</p>
      {splits.length > 0 && (
        <details className="model-figures">
          <summary>How well it read faces it never saw (for experts)</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Faces</th>
                <th scope="col">Right</th>
                <th scope="col">Macro-F1</th>
              </tr>
            </thead>
            <tbody>
              {splits.map(({ key, words, s }) => (
                <tr key={key}>
                  <th scope="row">
                    {words}
                    {s.n ? <span className="muted"> ({s.n.toLocaleString('en')})</span> : null}
                  </th>
                  <td>{((s.accuracy ?? 0) * 100).toFixed(1)} %</td>
                  <td>{s.macro_f1 !== undefined ? s.macro_f1.toFixed(2) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <form method="dialog">
        <button type="submit" className="primary" data-testid="model-card-close">
          Close
        </button>
      </form>
    </dialog>
  );
}
