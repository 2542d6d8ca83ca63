import { useEffect, useRef } from 'react';
import { Announcer } from '../app/announce';
import { useApp } from './context';

/** A polite live region with the top emotion per face, throttled (see announce.ts). */
export function LiveRegion() {
  const { bus } = useApp();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const announcer = new Announcer();
    return bus.subscribe((frame) => {
      if (!frame) {
        // The camera stopped: nothing it said is true any more.
        announcer.reset();
        if (ref.current) ref.current.textContent = '';
        return;
      }
      const text = announcer.next(frame.faces, performance.now());
      if (text && ref.current) ref.current.textContent = text;
    });
  }, [bus]);
  return <div ref={ref} className="sr-only" aria-live="polite" role="status" data-testid="live-region" />;
}
