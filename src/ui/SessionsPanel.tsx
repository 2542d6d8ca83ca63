import { useState } from 'react';
import { recordingToCsv, recordingToJson, summarizeRecording } from '../app/recording';
import { exportName } from '../app/results';
import type { Session } from '../app/sessions';
import { type EmotionCounts, mixOverTime, ranked, topEmotionCounts } from '../app/summary';
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS } from '../engine';
import { useApp } from './context';
import { download } from './download';
import { SessionTimeline } from './TimelineChart';
import { useReadRows, useSessionRows } from './useSessionRows';
import { useSubscribed } from './useSubscribed';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** +0.79, -0.25, and 0.00 rather than "-0.00". */
const signed = (v: number) => (Math.abs(v) < 0.005 ? '0.00' : `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`);

/** Top emotions in words, most frequent first: "Happy 3 · Neutral 1". */
export function countsInWords(counts: EmotionCounts, unit: (n: number) => string = String): string {
  return ranked(counts)
    .map((r) => `${EMOTION_LABEL[r.emotion]} ${unit(r.count)}`)
    .join(' · ');
}

/** All faces of a session: the mix of top emotions over ten stretches of its time, and in words. */
function SessionMix({ rows }: { rows: Parameters<typeof summarizeRecording>[0] }) {
  const end = rows.reduce((m, r) => Math.max(m, r.t), 0);
  const mix = mixOverTime(rows, end, 10);
  const total = rows.length;
  const words = countsInWords(topEmotionCounts(rows), (n) => `${Math.round((n / total) * 100)}%`);
  return (
    <div className="session-mix" data-testid="session-mix">
      <span className="rec-face">All faces over time</span>
      <span className="mix-strip" aria-hidden="true">
        {mix.map((bin, i) => (
          <span key={i} className="mix-bin">
            {EMOTIONS.filter((e) => bin[e] > 0).map((e) => (
              <span key={e} style={{ height: `${bin[e] * 100}%`, background: EMOTION_COLOR[e] }} title={`${EMOTION_LABEL[e]} ${Math.round(bin[e] * 100)}%`} />
            ))}
          </span>
        ))}
      </span>
      <span className="share-words">{words}</span>
    </div>
  );
}

/** Per face: the share of time per emotion as one stacked bar (labelled), and the mean valence;
 *  with several faces, first the mix of all of them over time. */
export function RecordingSummary({ rows }: { rows: Parameters<typeof summarizeRecording>[0] }) {
  const summary = summarizeRecording(rows);
  if (!summary.length) return <p className="muted">No face was recorded.</p>;
  return (
    <ul className="rec-summary" data-testid="recording-summary">
      <li>
        <SessionMix rows={rows} />
      </li>
      {summary.map((f) => {
        const parts = EMOTIONS.filter((e) => f.share[e] > 0).sort((a, b) => f.share[b] - f.share[a]);
        const words = parts.map((e) => `${EMOTION_LABEL[e]} ${Math.round(f.share[e] * 100)}%`);
        return (
          <li key={f.face}>
            <span className="rec-face">
              Face #{f.face} · {seconds(f.lastMs - f.firstMs || 0)} · valence {signed(f.meanValence)}
            </span>
            <span className="share-bar" aria-hidden="true">
              {parts.map((e) => (
                <span key={e} style={{ width: `${f.share[e] * 100}%`, background: EMOTION_COLOR[e] }} title={`${EMOTION_LABEL[e]} ${Math.round(f.share[e] * 100)}%`} />
              ))}
            </span>
            <span className="share-words">{words.join(' · ')}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** The files of a session: CSV, JSON, and the WebM when one was recorded (rows read when asked for). */
export function SessionActions({ session, onDelete }: { session: Session; onDelete?: () => void }) {
  const [confirm, setConfirm] = useState(false);
  const read = useReadRows();
  const csv = async () => {
    const rows = await read(session);
    if (rows) download(new Blob([recordingToCsv(rows, session.meta.source)], { type: 'text/csv' }), exportName(session.name, 'csv'));
  };
  const json = async () => {
    const rows = await read(session);
    if (rows) download(new Blob([recordingToJson(rows, session.meta)], { type: 'application/json' }), exportName(session.name, 'json'));
  };
  return (
    <div className="rec-actions">
      <button type="button" onClick={() => void csv()}>
        Export CSV
      </button>
      <button type="button" onClick={() => void json()}>
        Export JSON
      </button>
      {session.webm && (
        <button type="button" data-testid="session-webm" onClick={() => download(session.webm!, exportName(session.name, 'webm'))}>
          Download video (WebM)
        </button>
      )}
      {onDelete &&
        (confirm ? (
          <>
            <button type="button" className="danger" data-testid="session-delete-confirm" onClick={onDelete}>
              Delete for good
            </button>
            <button type="button" onClick={() => setConfirm(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" data-testid="session-delete" onClick={() => setConfirm(true)}>
            Delete…
          </button>
        ))}
    </div>
  );
}

function SessionItem({ session }: { session: Session }) {
  const { sessions } = useApp();
  const [open, setOpen] = useState(false);
  // The list shows the index (counts); the rows are read only while the session is open.
  const rows = useSessionRows(session, open);
  const faces = session.faceCount;
  const when = new Date(session.meta.startedAt);
  return (
    <li className="session" data-testid="session-item" data-kind={session.meta.kind} data-live={session.live} data-rows={session.rowCount}>
      <input
        className="session-name"
        aria-label="Session name"
        defaultValue={session.name}
        key={session.name}
        onBlur={(e) => void sessions.rename(session.id, e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      <div className="muted session-meta">
        {session.meta.kind === 'camera' ? 'Camera' : 'Video file'} · <time dateTime={session.meta.startedAt}>{when.toLocaleString()}</time> · {seconds(session.durationMs)} ·{' '}
        {faces} {faces === 1 ? 'face' : 'faces'}
        {session.live ? ' · recording…' : ''}
        {session.restored ? ' · kept from an earlier visit' : ''}
      </div>
      {!session.live && (
        <>
          <button type="button" className="link" aria-expanded={open} data-testid="session-open" onClick={() => setOpen((o) => !o)}>
            {open ? 'Close' : 'Open'}
          </button>
          {open &&
            (rows ? (
              <>
                <RecordingSummary rows={rows} />
                <SessionTimeline rows={rows} />
              </>
            ) : (
              <p className="muted" data-testid="session-reading">
                Reading its rows…
              </p>
            ))}
          <SessionActions session={session} onDelete={() => void sessions.remove(session.id)} />
        </>
      )}
    </li>
  );
}

/**
 * Every recording and video analysis of this browser, newest first: kept across tab switches and
 * reloads until deleted; a new recording never replaces one.
 */
export function SessionsPanel() {
  const { sessions } = useApp();
  const list = useSubscribed(sessions, () => sessions.sessions);
  return (
    <details className="sessions" data-testid="sessions" open>
      <summary>
        Sessions <span className="muted">({list.length})</span>
      </summary>
      {list.length === 0 ? (
        <p className="muted">Recordings and analysed videos are kept here, on this device only.</p>
      ) : (
        <ol className="session-list">
          {list.map((s) => (
            <SessionItem key={s.id} session={s} />
          ))}
        </ol>
      )}
    </details>
  );
}
