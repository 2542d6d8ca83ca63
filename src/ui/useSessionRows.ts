import { useEffect, useState } from 'react';
import type { RecordingRow } from '../app/recording';
import type { Session } from '../app/sessions';
import { errorMessage } from '../engine';
import { errors } from '../state/errors';
import { useStore } from '../state/store';
import { useApp } from './context';

/** A session's rows for export: in memory, or read from the store now (a notice when that fails). */
export function useReadRows(): (session: Session) => Promise<RecordingRow[] | null> {
  const { sessions } = useApp();
  return (session) =>
    sessions.rows(session.id).catch((err: unknown) => {
      useStore.getState().report(errors.sessionNotRead(session.name, errorMessage(err)));
      return null;
    });
}

/**
 * A session's rows while `wanted` (the session is open): those in memory at once, or read from the
 * store (null until they come, or when they could not be read). Dropped when no longer wanted, so
 * a closed session holds no rows.
 */
export function useSessionRows(session: Session | undefined, wanted: boolean): RecordingRow[] | null {
  const read = useReadRows();
  const [loaded, setLoaded] = useState<{ id: string; rows: RecordingRow[] } | null>(null);
  const toRead = wanted && session && session.rows === null ? session : null;
  useEffect(() => {
    if (!toRead) return setLoaded(null);
    let current = true;
    void read(toRead).then((rows) => current && rows && setLoaded({ id: toRead.id, rows }));
    return () => {
      current = false;
    };
  }, [toRead?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!wanted || !session) return null;
  return session.rows ?? (loaded?.id === session.id ? loaded.rows : null);
}
