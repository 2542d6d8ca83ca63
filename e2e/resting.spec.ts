/**
 * The camera reads a face against its own resting face when asked (app/restingFaces.ts): the fake
 * camera's face smiles broadly all along, so once the user says "This is my resting face", the smile
 * is that face's rest and reads as the model's neutral reference does (top: neutral), marked as
 * read against it; the setting is kept over a reload, and "as they are" reads the smile again.
 */
import { FACE_Y4M } from './global-setup.ts';
import { expect, launchWithCamera, openPage, test, waitFrames, waitReady } from './support.ts';

type Face = { top: string; reading: string; stale: boolean };
const faces = (page: import('@playwright/test').Page) => page.evaluate(() => window.__resemote!.faces() as unknown as Face[]);
/** Until the one face in view reads as `reading` (analyses come about once a second on a busy machine). */
const readsAs = (page: import('@playwright/test').Page, reading: string) =>
  page.waitForFunction((r) => (window.__resemote!.faces() as unknown as Face[]).some((f) => !f.stale && f.reading === r), reading, { timeout: 120_000, polling: 200 });

test('a face read against its resting face: the smile it rests in reads as rest, marked so; the setting is kept; "as they are" reads the smile', async () => {
  test.setTimeout(600_000);
  const browser = await launchWithCamera(FACE_Y4M);
  const page = await openPage(browser, { camera: true });
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('resting-mode').selectOption('manual');
  await page.getByTestId('camera-toggle').click();
  await waitFrames(page, 3);
  expect((await faces(page))[0]).toMatchObject({ top: 'happy', reading: 'raw' }); // no resting face yet: as read

  await page.getByTestId('resting-capture').click();
  await expect(page.getByTestId('resting-capture')).toHaveAttribute('data-rest', 'set', { timeout: 120_000 });
  await expect(page.getByTestId('resting-capture')).toHaveText('Set my resting face again');
  await readsAs(page, 'relative');
  expect((await faces(page)).find((f) => !f.stale)?.top).toBe('neutral');
  await expect(page.getByTestId('live-region')).toContainText('against its resting face', { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/resting-face.png' });

  // Kept over a reload; each face's first 3 s are its rest in 'auto', with no button.
  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('resting-mode')).toHaveValue('manual');
  await page.getByTestId('resting-mode').selectOption('auto');
  await page.getByTestId('camera-toggle').click();
  await readsAs(page, 'relative');
  await expect(page.getByTestId('resting-capture')).toHaveCount(0);
  expect((await faces(page)).find((f) => !f.stale)?.top).toBe('neutral');

  await page.getByTestId('resting-mode').selectOption('off');
  await readsAs(page, 'raw');
  expect((await faces(page)).find((f) => !f.stale)?.top).toBe('happy');
  await browser.close();
});
