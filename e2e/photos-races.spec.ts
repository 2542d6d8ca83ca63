/**
 * Photos: only the latest request publishes, nothing leaks (object URLs, tensors), results carry
 * the model and backend that produced them, and exported files are safe to open.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { BIG_PNG, FIXTURES, pngOf } from './global-setup.ts';
import { engineTensors, expect, test, waitReady } from './support.ts';

/** Count object URLs made and revoked by the page. */
async function countObjectUrls(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __urls: { made: Set<string>; revoked: Set<string> } };
    w.__urls = { made: new Set(), revoked: new Set() };
    const make = URL.createObjectURL.bind(URL);
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.createObjectURL = (o: Blob | MediaSource) => {
      const u = make(o);
      w.__urls.made.add(u);
      return u;
    };
    URL.revokeObjectURL = (u: string) => {
      w.__urls.revoked.add(u);
      revoke(u);
    };
  });
}
const unrevoked = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __urls: { made: Set<string>; revoked: Set<string> } };
    return [...w.__urls.made].filter((u) => !w.__urls.revoked.has(u)).length;
  });
const photosIdle = (page: Page) => page.waitForFunction(() => window.__resemote!.info().photosInFlight === 0, null, { timeout: 300_000 });

test.beforeEach(async ({ page }) => {
  await countObjectUrls(page);
  await page.goto('/');
  await page.getByTestId('tab-photo').click();
  await waitReady(page);
});

test('a big photo then a small one picked right after: the small one is shown, and stays', async ({ page }) => {
  test.setTimeout(400_000);
  await page.getByTestId('file-input').setInputFiles(BIG_PNG);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('in group-3.jpg', { timeout: 300_000 });
  await photosIdle(page); // the big one has finished (or was dropped) by now
  await expect(page.getByTestId('face-count')).toContainText('3 faces in group-3.jpg');
  await expect(page.getByTestId('photo-busy')).toBeHidden();
});

test('ten photos dropped at once: a batch of all ten, in order, the last included; no object URL left unrevoked', async ({ page }) => {
  const bytes = Array.from(readFileSync(join(FIXTURES, 'group-3.jpg')));
  const dataTransfer = await page.evaluateHandle((b) => {
    const dt = new DataTransfer();
    for (let i = 1; i <= 10; i++) dt.items.add(new File([new Uint8Array(b)], `photo-${i}.jpg`, { type: 'image/jpeg' }));
    return dt;
  }, bytes);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  const items = page.getByTestId('batch-item');
  await expect(items).toHaveCount(10);
  await expect(items.last()).toContainText('photo-10.jpg');
  await expect(items.last()).toHaveAttribute('data-status', 'done');
  await photosIdle(page);
  expect(await unrevoked(page)).toBe(0);
});

test('30 photos in a row: tensors stay flat and every object URL is revoked', async ({ page }) => {
  test.setTimeout(600_000);
  const files = ['group-3.jpg', 'group-4.jpg', 'group-6.jpg'];
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, files[0]!));
  await expect(page.getByTestId('face-count')).toContainText('in group-3.jpg');
  const before = await engineTensors(page);
  for (let i = 1; i <= 30; i++) {
    const name = files[i % 3]!;
    await page.getByTestId('file-input').setInputFiles({ name: `${i}-${name}`, mimeType: 'image/jpeg', buffer: readFileSync(join(FIXTURES, name)) });
    await expect(page.getByTestId('face-count')).toContainText(`in ${i}-${name}`, { timeout: 120_000 });
  }
  await photosIdle(page);
  expect(await engineTensors(page)).toBe(before);
  // Downloads make object URLs too: each is revoked once the download has started.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Results (CSV)' }).click()]);
  await download.path();
  await expect.poll(() => unrevoked(page), { timeout: 10_000 }).toBe(0);
});

test('a batch of 5 photos with one corrupt: 4 results, 1 listed error, one combined CSV, cancel works', async ({ page }) => {
  const photo = (name: string, file: string) => ({ name, mimeType: 'image/jpeg', buffer: readFileSync(join(FIXTURES, file)) });
  await page
    .getByTestId('file-input')
    .setInputFiles([
      photo('one.jpg', 'group-3.jpg'),
      photo('two.jpg', 'group-4.jpg'),
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('\xff\xd8\xff\xe0 not a jpeg', 'latin1') },
      photo('four.jpg', 'group-6.jpg'),
      photo('five.jpg', 'group-3.jpg'),
    ]);
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  await expect(page.locator('[data-testid="batch-item"][data-status="done"]')).toHaveCount(4);
  await expect(page.locator('[data-testid="batch-item"][data-status="error"]')).toHaveCount(1);
  await expect(page.getByTestId('batch-error')).toContainText('broken.jpg');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'All results (CSV)' }).click()]);
  const lines = readFileSync(await csv.path(), 'utf8')
    .trim()
    .split(/\r?\n/);
  expect(lines[0]).toMatch(/^source,time_ms,face,x,y,width,height,detection_score,top_emotion,angry/);
  const files = new Set(lines.slice(1).map((l) => l.split(',')[0]));
  expect([...files].sort()).toEqual(['five.jpg', 'four.jpg', 'one.jpg', 'two.jpg']);
  expect(lines.length - 1).toBe(3 + 4 + 4 + 3); // every face of the four good photos
  const [zipDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Annotated photos (ZIP)' }).click()]);
  const zipBytes = readFileSync(await zipDownload.path());
  const annotated = Object.values(unzipSync(zipBytes));
  expect(annotated).toHaveLength(4); // four annotated photos
  expect(annotated.map((jpeg) => [jpeg[0], jpeg[1]])).toEqual(Array(4).fill([0xff, 0xd8])); // each a JPEG
  await expect(page.getByRole('button', { name: 'Annotated photos (ZIP)' })).toBeEnabled(); // not stuck on "Making the ZIP…"
  // A card opens its photo: annotated, with its result list (old main: a click did nothing).
  await page.locator('[data-testid="batch-item"][data-status="done"]').filter({ hasText: 'two.jpg' }).getByTestId('batch-open').click();
  await expect(page.getByTestId('face-count')).toContainText('faces in two.jpg');
  await expect(page.getByTestId('batch')).toBeVisible(); // the batch stays

  // A new batch, cancelled at once: it stops after the file in hand.
  const many = Array.from({ length: 12 }, (_, i) => photo(`again-${i}.jpg`, 'group-3.jpg'));
  await page.getByTestId('file-input').setInputFiles(many);
  await page.getByTestId('batch-cancel').click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'cancelled', { timeout: 120_000 });
  // The files not reached say so: "cancelled", not "waiting…".
  expect(await page.locator('[data-testid="batch-item"][data-status="pending"]').count()).toBe(0);
  expect(await page.locator('[data-testid="batch-item"][data-status="cancelled"]').count()).toBeGreaterThan(0);
  await expect(page.locator('[data-testid="batch-item"][data-status="cancelled"]').first()).toContainText('cancelled');
});

test('a model switch in the middle of a batch: every file is analysed, none fails, the new model runs', async ({ page, context }) => {
  await context.route('**/models/index.json', async (route) => {
    const res = await route.fetch();
    const models = await res.json();
    await route.fulfill({ response: res, json: [...models, { ...models[0], id: 'second', name: 'Second model' }] });
  });
  await page.reload();
  await page.getByTestId('tab-photo').click();
  await waitReady(page);
  const names = ['group-3.jpg', 'group-4.jpg', 'group-6.jpg'];
  await page.getByTestId('file-input').setInputFiles(Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.jpg`, mimeType: 'image/jpeg', buffer: readFileSync(join(FIXTURES, names[i % 3]!)) })));
  await page.waitForFunction(() => window.__resemote!.info().batch.done >= 1, null, { timeout: 300_000, polling: 100 });
  await page.getByTestId('model-picker').selectOption('second');
  const at = await page.evaluate(() => window.__resemote!.info().batch);
  test.info().annotations.push({ type: 'switched after', description: `${at.done} of ${at.total} files (${at.phase})` });
  await expect(page.getByTestId('batch')).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  await expect(page.locator('[data-testid="batch-item"][data-status="done"]')).toHaveCount(6);
  await page.waitForFunction(() => window.__resemote!.info().model === 'second', null, { polling: 250 });
});

test('a file name that is a spreadsheet formula is exported as text (CSV injection)', async ({ page }) => {
  const name = "+cmd|' /C calc'!A0.jpg";
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'image/jpeg', buffer: readFileSync(join(FIXTURES, 'group-3.jpg')) });
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Results (CSV)' }).click()]);
  const text = readFileSync(await csv.path(), 'utf8');
  const firstCell = text.split(/\r?\n/)[1]!.split(',')[0]!;
  expect(firstCell.replace(/^"|"$/g, '').startsWith("'")).toBe(true);
});

test('a failed model switch: the old model keeps running and the picker and the export name it', async ({ page, context }) => {
  await context.route('**/models/index.json', async (route) => {
    const res = await route.fetch();
    const models = await res.json();
    await route.fulfill({ response: res, json: [...models, { ...models[0], id: 'broken', name: 'Broken model', url: 'models/broken/model.json' }] });
  });
  await page.reload();
  await waitReady(page);
  await page.getByTestId('tab-photo').click();
  const running = await page.getByTestId('model-picker').inputValue();
  await page.getByTestId('model-picker').selectOption('broken');
  await expect(page.getByTestId('notice-model-load')).toContainText('Still using');
  await expect(page.getByTestId('model-picker')).toHaveValue(running);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Results (JSON)' }).click()]);
  const result = JSON.parse(readFileSync(await json.path(), 'utf8'));
  expect(result.model).not.toContain('Broken');
  expect(result.backend).toBe('webgl');
});

test('bad files get their own message: an empty file, a 30000 x 30000 PNG, a HEIC', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles({ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
  await expect(page.getByTestId('notice-file-empty')).toContainText('is empty');
  await page.getByTestId('file-input').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: pngOf(30000, 30000, false) });
  await expect(page.getByTestId('notice-file-too-large')).toContainText('30000 x 30000');
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);
  await page.getByTestId('file-input').setInputFiles({ name: 'IMG_0001.HEIC', mimeType: 'image/heic', buffer: heic });
  await expect(page.getByTestId('notice-file-heic')).toContainText('HEIC');
  await expect(page.getByTestId('notice-file-heic')).toContainText('JPEG');
});
