import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './global-setup.ts';
import { expect, foreign, recordRequests, test, videoReady, waitReady } from './support.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('tab-photo').click();
});

test('photo: every face of a group photo gets bars and a result entry, files can be downloaded', async ({ page }) => {
  const requests = recordRequests(page);
  await waitReady(page);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-6.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('4 faces in group-6.jpg');
  const items = page.getByTestId('result-item');
  await expect(items).toHaveCount(4);
  for (const item of await items.all()) await expect(item.locator('meter')).toHaveCount(7);
  await expect(items.nth(1)).toContainText('Happy'); // the broad smile, second from the left
  await page.screenshot({ path: 'test-results/photo-group.png', fullPage: true });

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Results (CSV)' }).click()]);
  expect(csv.suggestedFilename()).toBe('group-6-emotions.csv');
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download image (PNG)' }).click()]);
  expect(png.suggestedFilename()).toBe('group-6-emotions.png');
  expect(foreign(requests)).toEqual([]);
});

test('photo: "Why?" shows which parts of a face drive its emotion, on the photo and its card, and in the JSON', async ({ page }) => {
  await waitReady(page);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-6.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('4 faces in group-6.jpg');
  const card = page.getByTestId('result-item').nth(1); // the broad smile
  await card.getByTestId('why-button').click();
  await expect(card.getByTestId('why-legend')).toContainText('hiding it lowers Happy most');
  await expect(card.getByTestId('why-legend')).toContainText(/less.*more/);
  await expect(card.getByTestId('why-legend')).not.toContainText(/\d ms/); // no timing in the product's words
  await expect(card.getByTestId('why-thumb')).toBeVisible();
  await expect(card.getByTestId('why-button')).toHaveAttribute('aria-pressed', 'true');
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Results (JSON)' }).click()]);
  const faces = JSON.parse(readFileSync(await json.path(), 'utf8')).faces as { id: number; why?: { emotion: string; cells: number; grid: number[][] } }[];
  const id = Number(/Face (\d+):/.exec((await card.textContent()) ?? '')?.[1]);
  const why = faces.find((f) => f.id === id)?.why;
  expect(why?.emotion).toBe('happy');
  expect(why?.grid).toHaveLength(8);
  expect(why?.grid.every((row) => row.length === 8 && row.every((v) => v >= 0 && v <= 1))).toBe(true);
  expect(Math.max(...why!.grid.flat())).toBe(1); // something drives it
  expect(faces.filter((f) => f.why)).toHaveLength(1); // only the face asked about
  await card.getByTestId('why-button').click(); // asked again: hidden
  await expect(card.getByTestId('why-legend')).toHaveCount(0);
});

test('a paused video frame opens as a photo, where a face gets its "Why?" map', async ({ page }) => {
  await videoReady(page, join(FIXTURES, 'group-3.jpg'));
  await page.getByTestId('video-frame-photo').click();
  // The Photo tab shows the frame on screen, named by the video and its moment, with every face.
  await expect(page.getByTestId('tab-photo')).toHaveAttribute('aria-selected', 'true');
  // Both people in the first frame (the third enters later); how many more the detector reports
  // there (a window pane, near its threshold) varies with the recording's encoding, so at least 2.
  await expect(page.getByTestId('face-count')).toContainText(/\d+ faces? in clip\.webm at \d+\.\d s/);
  expect(Number(/(\d+) faces? in clip/.exec((await page.getByTestId('face-count').textContent()) ?? '')?.[1])).toBeGreaterThanOrEqual(2);
  expect(await page.evaluate(() => document.querySelector('video')?.paused ?? true)).toBe(true);
  const card = page.getByTestId('result-item').first();
  await card.getByTestId('why-button').click();
  await expect(card.getByTestId('why-legend')).toContainText('hiding it lowers');
  await expect(card.getByTestId('why-thumb')).toBeVisible();
});

test('photo: a corrupt file and a non-image say so, and keep the previous result', async ({ page }) => {
  await waitReady(page);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  await page.getByTestId('file-input').setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('\xff\xd8\xff\xe0 not really a jpeg', 'latin1') });
  await expect(page.getByTestId('notice-file-corrupt')).toContainText('"broken.jpg" could not be decoded');
  await expect(page.getByTestId('face-count')).toContainText('3 faces in group-3.jpg'); // nothing lost
  await page.getByTestId('file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.getByTestId('notice-file-not-image')).toContainText('"notes.txt" is not an image');
});

test('photo: a photo that is only a face is found on the padded retry and read', async ({ page }) => {
  await waitReady(page);
  // A face cut tightly out of group-4.jpg: the detector misses it as is (scripts/prepare-data.ts
  // reports it "padded"), and finds it once the photo gets a border of its own edge pixels.
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'tight-face.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('1 face in tight-face.jpg');
  await expect(page.getByTestId('result-item')).toHaveCount(1);
  await expect(page.getByTestId('result-item').locator('meter')).toHaveCount(7);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces in group-3.jpg');
});

test('photo: a tight webcam face, scored low on the padded retry, is shown and read at the default settings', async ({ page }) => {
  await waitReady(page);
  // 74 x 74 px of a webcam frame (NOTICE.md), unlike tight-face.jpg: the detector misses it as is and
  // scores it 0.54 on the padded retry; found again at 0.53 on the face check's second look, which is
  // enough for a face that fills the photo. Until 2026-12-07 the app said "0 faces in
  // tight-webcam-face.jpg · 1 hidden by your face filters".
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'tight-webcam-face.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('1 face in tight-webcam-face.jpg');
  await expect(page.getByTestId('photo-result')).not.toContainText('hidden');
  await expect(page.getByTestId('result-item')).toHaveCount(1);
  await expect(page.getByTestId('result-item').locator('meter')).toHaveCount(7);
});

test('photo: a photo without a face says so', async ({ page }) => {
  await waitReady(page);
  // A plain generated image: a gradient, no face.
  const png = await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 480;
    const g = c.getContext('2d')!;
    const grad = g.createLinearGradient(0, 0, 640, 480);
    grad.addColorStop(0, '#204060');
    grad.addColorStop(1, '#e0c090');
    g.fillStyle = grad;
    g.fillRect(0, 0, 640, 480);
    const blob = await new Promise<Blob>((r) => c.toBlob((b) => r(b!), 'image/png'));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  await page.getByTestId('file-input').setInputFiles({ name: 'sky.png', mimeType: 'image/png', buffer: Buffer.from(png) });
  await expect(page.getByTestId('notice-no-face')).toContainText('No face was found in "sky.png"');
});

test('photo: drag and drop and paste analyse the photo too', async ({ page }) => {
  await waitReady(page);
  const bytes = Array.from(readFileSync(join(FIXTURES, 'group-3.jpg')));
  const dataTransfer = await page.evaluateHandle((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'dropped.jpg', { type: 'image/jpeg' }));
    return dt;
  }, bytes);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('face-count')).toContainText('3 faces in dropped.jpg');
  await page.getByTestId('tab-camera').click();
  await page.evaluate((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'pasted.jpg', { type: 'image/jpeg' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
  }, bytes);
  await expect(page.getByTestId('face-count')).toContainText('3 faces in pasted.jpg');
});

test('photo: EXIF orientation is honoured (a phone photo stored sideways is analysed upright)', async ({ page }) => {
  await waitReady(page);
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3-exif-rotated.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
  const size = await page.getByTestId('annotated').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  expect(size).toEqual([900, 633]); // stored 633 x 900, displayed turned upright
});
