/**
 * Every asset the app loads can fail; the app says what failed and never leaves a photo waiting
 * forever: a photo picked after a failed start shows an error within seconds, not a spinner.
 */
import { join } from 'node:path';
import { FIXTURES } from './global-setup.ts';
import { expect, test } from './support.ts';

const ASSETS: [string, string, string][] = [
  ['the model list', '**/models/index.json', 'notice-model-load'],
  ['model.json', '**/models/*/model.json', 'notice-model-load'],
  ['a weight shard', '**/models/**/*.bin', 'notice-model-load'],
  ['the detector wasm', '**/vision_wasm_module_internal.wasm', 'notice-detector-load'],
  ['the detector wasm loader', '**/vision_wasm_module_internal.js', 'notice-detector-load'],
  ['the detector model', '**/face_detector.tflite', 'notice-detector-load'],
];

for (const [what, pattern, notice] of ASSETS) {
  test(`${what} fails to load: a clear notice, and a photo picked afterwards shows an error at once`, async ({ page, context }) => {
    await context.route(pattern, (route) => route.abort());
    await page.goto('/');
    await expect(page.getByTestId(notice)).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId(notice)).not.toContainText('[object');
    await expect(page.getByTestId('retry')).toBeVisible();
    await page.getByTestId('tab-photo').click();
    await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
    await expect(page.getByTestId('photo-error')).toBeVisible({ timeout: 5_000 });
    await expect(page.getByTestId('photo-busy')).toBeHidden();
    await expect(page.getByTestId('tab-camera')).toBeEnabled();
  });
}

test('a tampered weight shard is refused (SHA-256 mismatch), and Retry recovers once it is fixed', async ({ page, context }) => {
  let tamper = true;
  await context.route('**/models/**/*.bin', async (route) => {
    const res = await route.fetch();
    const body = await res.body();
    if (tamper) body[body.length >> 1] = (body[body.length >> 1]! + 1) % 256;
    await route.fulfill({ response: res, body });
  });
  await page.goto('/');
  await expect(page.getByTestId('notice-model-load')).toContainText('corrupt', { timeout: 120_000 });
  tamper = false;
  await page.getByTestId('retry').click();
  await expect(page.getByTestId('backend-active')).toHaveText('in use: WebGL', { timeout: 120_000 });
  await expect(page.getByTestId('notice-model-load')).toBeHidden();
});

test('a model whose metadata has no SHA-256 is refused with a message, never run', async ({ page, context }) => {
  await context.route('**/models/*/model.json', async (route) => {
    const res = await route.fetch();
    const json = await res.json();
    delete json.userDefinedMetadata.resemote.weightsSha256;
    await route.fulfill({ response: res, json });
  });
  await page.goto('/');
  await expect(page.getByTestId('notice-model-load')).toContainText('no SHA-256', { timeout: 120_000 });
  expect(await page.evaluate(() => window.__resemote!.info().ready)).toBe(false);
});
