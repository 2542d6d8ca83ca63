/**
 * The photo path from navigation, as a user meets it: open the page, pick the Photo tab, choose a
 * photo, until its face count shows (the whole photo's faces, shown before its tiles are searched)
 * and until every face is (the tiles' too); on a fresh profile (cold) and after a reload (warm).
 * Times are the page's own clock (ms since navigation), with the app's User Timing
 * marks (app/marks.ts) to say where they went: the page's script, the engine's start (backend,
 * model, detector, warm-up), the photo's decoding, its analysis (detection, classification).
 */
import type { Page } from '@playwright/test';

export interface PhotoPathRun {
  /** Navigation to the face count on screen, ms (since the whole-photo pass is shown first, its faces). */
  shownMs: number;
  /** Navigation to the photo's every face on screen (the tiles' too), ms: the same as shownMs on a
   *  build that shows the photo only once complete. */
  completeMs: number;
  domContentLoadedMs: number;
  engineStartMs: number | null;
  /** The backends probed and the model list read: the engine's worker is created then. */
  engineProbedMs: number | null;
  engineReadyMs: number | null;
  engine: { backend?: string; loadMs?: number; warmupMs?: number } | null;
  pickedMs: number | null;
  decodedMs: number | null;
  /** The whole photo's faces classified (builds that show them first). */
  firstMs: number | null;
  first: { detectMs?: number; classifyMs?: number; totalMs?: number; faces?: number } | null;
  analysedMs: number | null;
  analysis: { detectMs?: number; classifyMs?: number; totalMs?: number; faces?: number } | null;
}

/** Open `url` (or reload) in `page`, analyse `photo`, and read where the time went. */
export async function photoFromNavigation(page: Page, url: string, photo: string, name: string, reload: boolean): Promise<PhotoPathRun> {
  if (reload) await page.reload();
  else await page.goto(url);
  await page.getByTestId('tab-photo').click();
  await page.getByTestId('file-input').setInputFiles(photo);
  const shownMs = await page
    .waitForFunction((n) => (document.querySelector('[data-testid="face-count"]')?.textContent?.includes(n) ? performance.now() : false), name, { timeout: 600_000, polling: 20 })
    .then((h) => h.jsonValue() as Promise<number>);
  // Until the tiles' faces are added too (the note that says they are searched is gone).
  const completeMs = await page
    .waitForFunction(
      (n) => (document.querySelector('[data-testid="face-count"]')?.textContent?.includes(n) && !document.querySelector('[data-testid="photo-searching"]') ? performance.now() : false),
      name,
      { timeout: 600_000, polling: 20 },
    )
    .then((h) => h.jsonValue() as Promise<number>);
  await page.evaluate('window.__name = (f) => f'); // tsx names the functions below with a helper the page lacks
  return page.evaluate(
    ([shown, complete]) => {
      const marks = new Map(
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('resemote:'))
          .map((m) => [m.name.slice(9), m as PerformanceMark]),
      );
      const at = (k: string) => (marks.has(k) ? Math.round(marks.get(k)!.startTime) : null);
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        shownMs: Math.round(shown),
        completeMs: Math.round(complete),
        domContentLoadedMs: Math.round(nav?.domContentLoadedEventEnd ?? 0),
        engineStartMs: at('engine-start'),
        engineProbedMs: at('engine-probed'),
        engineReadyMs: at('engine-ready'),
        engine: (marks.get('engine-ready')?.detail as PhotoPathRun['engine']) ?? null,
        pickedMs: at('photo-picked'),
        decodedMs: at('photo-decoded'),
        firstMs: at('photo-first'),
        first: (marks.get('photo-first')?.detail as PhotoPathRun['first']) ?? null,
        analysedMs: at('photo-analysed'),
        analysis: (marks.get('photo-analysed')?.detail as PhotoPathRun['analysis']) ?? null,
      };
    },
    [shownMs, completeMs] as const,
  );
}

/** One line per run: the stages between navigation and the face count. */
export function describePhotoRun(label: string, r: PhotoPathRun): string {
  const gap = (a: number | null, b: number | null) => (a === null || b === null ? '?' : `${b - a}`);
  const e = r.engine;
  const a = r.analysis;
  const f = r.first;
  const first =
    r.firstMs === null
      ? ''
      : `whole photo's faces +${gap(r.decodedMs, r.firstMs)} ms (detect ${f?.detectMs?.toFixed(0) ?? '?'}, classify ${f?.classifyMs?.toFixed(0) ?? '?'} ms, ${f?.faces ?? '?'} faces), shown +${gap(r.firstMs, r.shownMs)} ms; `;
  return `${label}: ${r.shownMs} ms to the face count, ${r.completeMs} ms to every face | page script ${r.domContentLoadedMs} ms | engine start at ${r.engineStartMs ?? '?'} ms, probed at ${r.engineProbedMs ?? '?'} ms, ready at ${r.engineReadyMs ?? '?'} ms (${e?.backend ?? '?'}: load ${e?.loadMs?.toFixed(0) ?? '?'} ms of which warm-up ${e?.warmupMs?.toFixed(0) ?? '?'} ms) | photo picked at ${r.pickedMs ?? '?'} ms, decoded +${gap(r.pickedMs, r.decodedMs)} ms, ${first}analysed +${gap(r.decodedMs, r.analysedMs)} ms (detect ${a?.detectMs?.toFixed(0) ?? '?'}, classify ${a?.classifyMs?.toFixed(0) ?? '?'} ms, ${a?.faces ?? '?'} faces)`;
}

export interface WhyCost {
  backend: string;
  /** The engine's time for each face's map (its crop and 49 occluded copies in one batch), ms. */
  perFaceMs: number[];
  /** From the click to the map on screen, per face, ms (the page's clock). */
  shownMs: number[];
  /** The longest main-thread task while the maps were made and drawn, ms (0: none over 50 ms). */
  longestTaskMs: number;
  /** The longest animation frame meanwhile: its length, how much of it blocked input, and the
   *  scripts that ran in it (Long Animation Frames; absent where the browser lacks it). */
  longestFrame?: { duration: number; blocking: number; scripts: string[] } | null;
}

/** "Why?" on every face of `photo`, one after the other, on the backend the page runs. */
export async function whyCost(page: Page, url: string, photo: string, name: string): Promise<WhyCost> {
  await page.goto(url);
  await page.getByTestId('tab-photo').click();
  await page.getByTestId('file-input').setInputFiles(photo);
  await page.getByTestId('face-count').filter({ hasText: name }).waitFor({ timeout: 600_000 });
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(() => {
    const w = window as unknown as { __longtasks: number[]; __longframes?: unknown[] };
    w.__longtasks = [];
    if (w.__longframes) w.__longframes = [];
  });
  const cards = page.getByTestId('result-item');
  const shownMs: number[] = [];
  for (let i = 0; i < (await cards.count()); i++) {
    const card = cards.nth(i);
    const t0 = await page.evaluate(() => performance.now());
    await card.getByTestId('why-button').click();
    const t1 = await page
      .waitForFunction((k) => (document.querySelectorAll('[data-testid="result-item"]')[k]?.querySelector('[data-testid="why-legend"]') ? performance.now() : false), i, {
        timeout: 600_000,
        polling: 20,
      })
      .then((h) => h.jsonValue() as Promise<number>);
    shownMs.push(Math.round(t1 - t0));
  }
  return page.evaluate((shown) => {
    const w = window as unknown as {
      __longtasks: number[];
      __longframes?: { duration: number; blocking: number; scripts: string[] }[];
      __resemote: { explanations(): { ms: number }[]; info(): { backend: string } };
    };
    const frames = w.__longframes ?? [];
    const longestFrame = frames.reduce<(typeof frames)[number] | null>((a, f) => (!a || f.blocking > a.blocking ? f : a), null);
    return {
      backend: w.__resemote.info().backend,
      perFaceMs: w.__resemote.explanations().map((e) => Math.round(e.ms)),
      shownMs: shown,
      longestTaskMs: Math.round(Math.max(0, ...w.__longtasks)),
      longestFrame,
    };
  }, shownMs);
}
