/**
 * The installable, offline app: register the service worker (production builds only) and tell the
 * page when a new version is waiting, so it can offer a reload instead of switching under the user.
 */
export interface UpdateHandle {
  /** Activate the waiting version and reload the page. */
  apply(): void;
}

export function registerServiceWorker(onUpdate: (update: UpdateHandle) => void): void {
  if (!('serviceWorker' in navigator)) return;
  const offer = (worker: ServiceWorker | null) => {
    if (!worker || !navigator.serviceWorker.controller) return; // first install: nothing to update
    onUpdate({
      apply() {
        navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
        worker.postMessage('skipWaiting');
      },
    });
  };
  navigator.serviceWorker
    .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
    .then((reg) => {
      if (reg.waiting) offer(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const incoming = reg.installing;
        incoming?.addEventListener('statechange', () => incoming.state === 'installed' && offer(incoming));
      });
    })
    .catch(() => undefined); // no offline mode; the app itself works
}

/**
 * Tell the service worker that the page's engine is ready: what the page and its workers fetched
 * before the worker controlled them (a first visit) is in the browser's HTTP cache now, and the
 * worker keeps it from there for the next visit offline, without downloading it again.
 */
export function keepFetchedFiles(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage('keepFetched')).catch(() => undefined);
}
