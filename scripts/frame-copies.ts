/**
 * What holds the renderer's memory growth over the first ~400 camera frames (0.3.0),
 * without the app: a blank page on the bench's fake camera turns video frames into bitmaps the way
 * the app does, ten a second, and prints the renderer's shared memory (RssShmem, /proc) and its
 * shared-memory regions by size. No TF.js, no MediaPipe, no worker engine. Prints figures, never
 * fails on them.
 *
 *   npx tsx scripts/frame-copies.ts [--mode video|bitmap|transfer|videoframe|canvas|processor|processor-copy] [--seconds 60] [--pressure]
 *
 *   video       the camera plays in a <video>, nothing is copied (the baseline)
 *   bitmap      createImageBitmap(video), then close()
 *   transfer    the same, transferred to a worker that closes it (the app's camera path)
 *   videoframe  new VideoFrame(video) transferred to a worker, which makes the bitmap there
 *   canvas      drawImage(video) into one reused canvas, then transferToImageBitmap to a worker
 *   processor   the camera's own VideoFrames (MediaStreamTrackProcessor on the track, no <video>
 *               read), transferred to a worker that makes a bitmap of each
 *   processor-copy  the same, the worker copying each frame's pixels into one reused RGBA buffer
 *               (VideoFrame.copyTo) instead
 *   --pressure  at the end, a critical memory-pressure notification (CDP), then the figures again
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { FACE_Y4M, default as prepareFixtures } from '../e2e/global-setup.ts';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'transfer' }, seconds: { type: 'string', default: '60' }, pressure: { type: 'boolean', default: false } } });
const mode = values.mode;
if (!['video', 'bitmap', 'transfer', 'videoframe', 'canvas', 'processor', 'processor-copy'].includes(mode)) throw new Error(`unknown mode ${mode}`);

/** The renderer with the most shared memory (the page's), and its shared-memory regions by size. */
function sharedMemory(): { sharedMB: number; regions: Record<string, number> } {
  let best = { sharedMB: 0, regions: {} as Record<string, number> };
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const sharedMB = Math.round(Number(/RssShmem:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
      if (sharedMB <= best.sharedMB) continue;
      const regions: Record<string, number> = {};
      for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
        if (!line.includes('shared-memory-region')) continue;
        const [from, to] = (line.split(' ')[0] as string).split('-').map((h) => parseInt(h, 16)) as [number, number];
        const size = `${((to - from) / 1048576).toFixed(1)} MB`;
        regions[size] = (regions[size] ?? 0) + 1;
      }
      best = { sharedMB, regions };
    } catch {
      /* gone, or another user's */
    }
  }
  return best;
}

prepareFixtures();
// A blank page on http://127.0.0.1 (a secure context: the camera needs one; about:blank is not).
const server = createServer((_, res) => res.end('<!doctype html><body></body>')).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const address = server.address();
if (!address || typeof address === 'string') throw new Error('no port');
const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${FACE_Y4M}`] });
try {
  const context = await browser.newContext();
  await context.grantPermissions(['camera']);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${address.port}/`);
  // A string, not a function: tsx would add helpers the page does not have.
  await page.evaluate(`(async () => {
    const mode = ${JSON.stringify(mode)};
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    document.body.append(video);
    await video.play();
    const worker = new Worker(URL.createObjectURL(new Blob([\`let rgba = null; onmessage = async (e) => {
      const f = e.data.frame ?? e.data;
      if (e.data.copy) { rgba ??= new Uint8Array(f.displayWidth * f.displayHeight * 4); await f.copyTo(rgba, { format: 'RGBA' }); f.close(); }
      else if (f instanceof VideoFrame) { const b = await createImageBitmap(f); f.close(); b.close(); } else f.close();
      postMessage(1);
    }\`], { type: 'text/javascript' })));
    const toWorker = (x) => new Promise((done) => { worker.onmessage = done; worker.postMessage(x, [x]); });
    const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
    window.copies = 0;
    const reader = mode.startsWith('processor') ? new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0] }).readable.getReader() : null;
    const toWorkerWith = (frame, copy) => new Promise((done) => { worker.onmessage = done; worker.postMessage({ frame, copy }, [frame]); });
    const step = async () => {
      if (mode === 'bitmap') (await createImageBitmap(video)).close();
      if (mode === 'transfer') await toWorker(await createImageBitmap(video));
      if (mode === 'videoframe') await toWorker(new VideoFrame(video));
      if (mode === 'canvas') { canvas.getContext('2d').drawImage(video, 0, 0); await toWorker(canvas.transferToImageBitmap()); }
      if (reader) {
        // Drain to the newest frame (the track runs at 30 a second; the others are closed unread).
        let { value } = await reader.read();
        await toWorkerWith(value, mode === 'processor-copy');
      }
      window.copies++;
      if (!window.halt) setTimeout(step, 100);
    };
    step();
  })()`);
  const seconds = Number(values.seconds);
  for (let t = 10; t <= seconds; t += 10) {
    await page.waitForTimeout(10_000); // a sampling interval, not a wait for an event
    console.log(`${mode} ${t} s: ${await page.evaluate('window.copies')} frames copied; renderer shared memory ${JSON.stringify(sharedMemory())}`);
  }
  if (values.pressure) {
    await page.evaluate('window.halt = true');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Memory.simulatePressureNotification', { level: 'critical' });
    await page.waitForTimeout(3000); // time for the release to happen
    console.log(`${mode} after a critical memory-pressure notification: ${JSON.stringify(sharedMemory())}`);
  }
} finally {
  await browser.close();
  server.close();
}
