/**
 * npm run example: builds the library (npm run build:lib does, first) and serves the repository
 * root, so examples/index.html and examples/webcam.html load the built package from packages/engine/dist/ as a user's page
 * would. Usage: npm run example [-- --port 4180]. Ctrl+C stops it.
 */
import { resolve } from 'node:path';
import { serveStatic } from './lib/static-server.ts';

const at = process.argv.indexOf('--port');
const port = at > 0 ? Number(process.argv[at + 1]) : 4180;
const { url } = await serveStatic(resolve(import.meta.dirname, '..'), port);
console.log(`the library's examples: ${url}/examples/ (a photo) and ${url}/examples/webcam.html (the camera)`);
