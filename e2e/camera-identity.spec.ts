/**
 * On the camera, another person at the same place is another face: a fake
 * camera shows two people in turn, a second each, their faces at the same spot of the frame. The
 * tracker's scene-cut rule (the one the video path uses, read from the engine's thumbnail of each
 * frame) gives the second person a new id instead of the first one's id, smoothing and timeline.
 * Which person a frame shows is told by the face's size (A's face is ~270 px wide, B's ~220 px).
 * On the old main one id ran through every swap.
 */
import { SWAP_Y4M } from './global-setup.ts';
import { expect, launchWithCamera, openPage, test, waitFrames, waitReady } from './support.ts';

type Seen = { frame: number; id: number; width: number };

test('two people swapped in front of the camera at the same place never share an id', async () => {
  test.setTimeout(300_000);
  const browser = await launchWithCamera(SWAP_Y4M);
  try {
    const page = await openPage(browser, { camera: true, backend: 'wasm' });
    await page.goto('/');
    await waitReady(page);
    await page.getByTestId('camera-toggle').click();
    await waitFrames(page, 2);
    // Every analysed frame's faces, read from the overlay's frame bus in the page (none is missed).
    await page.evaluate(() => {
      const w = window as unknown as { __seen: Seen[]; __resemote: { onFrame(cb: (faces: { id: number; stale: boolean; box: { width: number } }[], frame: number) => void): void } };
      w.__seen = [];
      w.__resemote.onFrame((faces, frame) => {
        for (const f of faces) if (!f.stale) w.__seen.push({ frame, id: f.id, width: f.box.width });
      });
    });
    // Enough frames to see both people several times over (5 s of swaps at the slowest rate seen here).
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const seen = (window as unknown as { __seen: Seen[] }).__seen;
            const people = seen.map((s) => (s.width > 244 ? 'A' : 'B'));
            return people.filter((p, i) => i > 0 && p !== people[i - 1]).length;
          }),
        { timeout: 240_000 },
      )
      .toBeGreaterThanOrEqual(4);
    const seen = await page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);
    const person = (s: Seen) => (s.width > 244 ? 'A' : 'B');
    const shared: string[] = [];
    let kept = 0;
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1] as Seen, seen[i] as Seen];
      if (person(a) !== person(b) && a.id === b.id) shared.push(`frame ${b.frame}: person ${person(b)} has person ${person(a)}'s id ${a.id}`);
      if (person(a) === person(b) && a.id === b.id) kept++;
    }
    expect(shared).toEqual([]);
    expect(kept, 'a person keeps an id while they stay').toBeGreaterThan(0);
    expect(
      seen.every((s) => s.width > 180 && s.width < 320),
      'one face, of one of the two sizes, per frame',
    ).toBe(true);
  } finally {
    await browser.close();
  }
});
