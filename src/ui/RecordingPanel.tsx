import { useEffect, useState } from 'react';
import { type RecorderState, VideoRecorder } from '../app/recorder';
import { recordingToCsv, recordingToJson, summarizeRecording } from '../app/recording';
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS } from '../engine/emotions';
import { useStore } from '../state/store';
import { useApp } from './context';
import { download } from './download';

const stamp = (iso?: string) => (iso ?? new Date().toISOString()).replace(/[:.]/g, '-').slice(0, 19);

/** Per face: the share of time per emotion as one stacked bar, and the mean valence. */
export function RecordingSummary({ rows }: { rows: Parameters<typeof summarizeRecording>[0] }) {
  const summary = summarizeRecording(rows);
  if (!summary.length) return <p className="muted">No face was recorded.</p>;
  return (
    <ul className="rec-summary" data-testid="recording-summary">
      {summary.map((f) => (
        <li key={f.face}>
          <span className="rec-face">
            Face #{f.face} · {(((f.lastMs - f.firstMs) / 1000) || 0).toFixed(1)} s · valence {f.meanValence >= 0 ? '+' : ''}
            {f.meanValence.toFixed(2)}
          </span>
          <span className="share-bar" role="img" aria-label={EMOTIONS.filter((e) => f.share[e] > 0).map((e) => `${EMOTION_LABEL[e]} ${Math.round(f.share[e] * 100)}%`).join(', ')}>
            {EMOTIONS.filter((e) => f.share[e] > 0).map((e) => (
              <span key={e} style={{ width: `${f.share[e] * 100}%`, background: EMOTION_COLOR[e] }} title={`${EMOTION_LABEL[e]} ${Math.round(f.share[e] * 100)}%`} />
            ))}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Record / Stop on the camera, the files, and a recording kept from before a reload. */
export function RecordingPanel({ video, overlay }: { video: React.RefObject<HTMLVideoElement | null>; overlay: React.RefObject<HTMLCanvasElement | null> }) {
  const { recorder } = useApp();
  const running = useStore((s) => s.camera.phase === 'running');
  const [state, setState] = useState<RecorderState>(recorder.state);
  const [withVideo, setWithVideo] = useState(false);
  const [videoRec, setVideoRec] = useState<VideoRecorder | null>(null);
  const [webm, setWebm] = useState<Blob | null>(null);
  const [restored, setRestored] = useState(false);
  useEffect(() => recorder.subscribe(setState), [recorder]);
  useEffect(() => {
    // A recording kept in IndexedDB from an earlier visit (or a crash) comes back.
    let alive = true;
    void recorder.loadKept().then((kept) => alive && kept && setRestored(true));
    return () => void (alive = false);
  }, [recorder]);
  // The camera stopping ends the recording too.
  useEffect(() => {
    if (!running && state.phase === 'recording') void stop();
  });

  const start = () => {
    setWebm(null);
    setRestored(false);
    recorder.begin();
    if (withVideo && video.current && overlay.current && VideoRecorder.supported()) {
      const v = new VideoRecorder();
      v.start(video.current, overlay.current, () => useStore.getState().mirror);
      setVideoRec(v);
    }
  };
  const stop = async () => {
    await recorder.stop();
    if (videoRec) {
      setWebm(await videoRec.stop());
      setVideoRec(null);
    }
  };
  const name = `resemote-${stamp(recorder.meta?.startedAt)}`;
  return (
    <section className="recording" aria-label="Recording" data-testid="recording" data-phase={state.phase}>
      {state.phase === 'recording' ? (
        <button type="button" className="record stop" data-testid="record-toggle" onClick={() => void stop()}>
          ■ Stop recording
        </button>
      ) : (
        <button type="button" className="record" data-testid="record-toggle" disabled={!running} onClick={start} title={running ? undefined : 'Start the camera first'}>
          ● Record
        </button>
      )}
      {state.phase !== 'recording' && VideoRecorder.supported() && (
        <label className="checkbox">
          <input type="checkbox" checked={withVideo} onChange={(e) => setWithVideo(e.target.checked)} /> also save the video (WebM, overlay included)
        </label>
      )}
      {state.phase === 'recording' && (
        <span role="status" data-testid="record-status">
          Recording {(state.elapsedMs / 1000).toFixed(0)} s · {state.rows} rows{videoRec ? ' · with video' : ''}
        </span>
      )}
      {state.phase === 'stopped' && recorder.meta && (
        <div className="rec-result">
          <p>
            {restored ? 'Kept from your last visit: ' : ''}recording of {new Date(recorder.meta.startedAt).toLocaleString()}, {(state.elapsedMs / 1000).toFixed(1)} s,{' '}
            <span data-testid="record-rows">{state.rows}</span> rows. Numbers only{webm ? ', and the video you asked for' : ''}; nothing was uploaded.
          </p>
          <RecordingSummary rows={recorder.rows} />
          <div className="rec-actions">
            <button type="button" onClick={() => download(new Blob([recordingToCsv(recorder.rows)], { type: 'text/csv' }), `${name}.csv`)}>Export CSV</button>
            <button type="button" onClick={() => recorder.meta && download(new Blob([recordingToJson(recorder.rows, recorder.meta)], { type: 'application/json' }), `${name}.json`)}>Export JSON</button>
            {webm && (
              <button type="button" onClick={() => download(webm, `${name}.webm`)}>
                Download video (WebM)
              </button>
            )}
            <button type="button" onClick={() => void recorder.discard().then(() => setWebm(null))}>
              Discard
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
