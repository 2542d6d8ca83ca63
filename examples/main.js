// The library's example: load the engine, analyse the photo on the page, print the faces.
// `npm run example` builds the package and serves this page; docs/library.md is the library's reference.
import { createEngine, EMOTIONS } from '@resemote/engine';

const status = document.querySelector('#status');
const out = document.querySelector('#faces');

try {
  const engine = await createEngine({
    assetsUrl: '../packages/engine/dist/assets/', // the package's dist/assets/, wherever you serve it
    onProgress: (p) => (status.textContent = `loading: ${p.stage}${p.stage === 'model' ? ` ${Math.round((100 * p.loaded) / (p.total || 1))} %` : ''}`),
  });
  const result = await engine.analyse(document.querySelector('#photo')); // { kind: 'photo' } by default
  out.textContent = result.faces
    .map(
      (f) =>
        `face ${f.id}: ${f.top.emotion} ${f.top.probability.toFixed(2)} | ${EMOTIONS.map((e) => `${e} ${f.probabilities[e].toFixed(2)}`).join(' ')} | box ${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}x${Math.round(f.box.height)} | score ${f.score.toFixed(2)}`,
    )
    .join('\n');
  status.textContent = `${result.faces.length} faces in ${result.width}x${result.height} px, ${result.timings.totalMs.toFixed(0)} ms on ${result.backend} (${engine.status.thread}), ${result.format}`;
  status.dataset.done = 'true';
  await engine.dispose();
} catch (err) {
  // An EngineError names the part that failed: backend, model, detector, engine or input.
  status.textContent = `failed (${err.part ?? 'page'}): ${err.message}`;
  status.dataset.failed = 'true';
}
