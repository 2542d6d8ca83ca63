import { join } from 'node:path';
import { FIXTURES } from './global-setup.ts';
import { expect, recordRequests, test, waitReady } from './support.ts';

test('the model is cached for the next visit: a reload downloads no weights', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  const cached = await page.evaluate(async () => (await (await caches.open('resemote-models-v1')).keys()).map((r) => r.url));
  expect(cached.some((u) => u.endsWith('model.json'))).toBe(true);
  expect(cached.some((u) => /\.bin\?sha256=[0-9a-f]{64}$/.test(u))).toBe(true);

  const requests = recordRequests(page);
  await page.reload();
  await waitReady(page);
  expect(requests.filter((u) => u.endsWith('.bin'))).toEqual([]);
  expect(requests.some((u) => u.endsWith('model.json'))).toBe(true); // the small description is revalidated
});

test('a cold visit downloads each asset once (the 13 MB detector wasm included)', async ({ page }) => {
  const requests = recordRequests(page);
  await page.goto('/');
  await waitReady(page);
  const counts = new Map<string, number>();
  for (const u of requests) counts.set(u, (counts.get(u) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([u]) => u);
  expect(twice).toEqual([]);
  expect(requests.filter((u) => u.endsWith('.wasm'))).toHaveLength(1);
});

test('offline with a good cache: the model and the photo analysis still work', async ({ page, context }) => {
  await page.goto('/');
  await waitReady(page);
  // The models' URLs become unreachable; the app shell and the detector stay served.
  await context.route('**/models/**', (route) => route.abort('internetdisconnected'));
  await page.reload();
  await waitReady(page);
  await page.getByTestId('tab-photo').click();
  await page.getByTestId('file-input').setInputFiles(join(FIXTURES, 'group-3.jpg'));
  await expect(page.getByTestId('face-count')).toContainText('3 faces');
});
