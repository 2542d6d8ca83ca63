import { expect, test } from '@playwright/test';
import { recordRequests, waitReady } from './support.ts';

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
