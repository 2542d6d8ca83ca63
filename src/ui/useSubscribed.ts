import { useEffect, useState } from 'react';

/** A value from one of the app's parts (`subscribe(listener)` + a current value), as React state. */
export function useSubscribed<T>(source: { subscribe(l: (v: T) => void): () => void }, current: () => T): T {
  const [value, setValue] = useState<T>(current);
  useEffect(() => {
    setValue(current());
    return source.subscribe(setValue);
  }, [source]); // eslint-disable-line react-hooks/exhaustive-deps
  return value;
}
