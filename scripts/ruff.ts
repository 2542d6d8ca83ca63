/** `npm run lint:py`: ruff over the training toolkit's Python, with the rules in ruff.toml. */
import { join, resolve } from 'node:path';
import { repoFiles } from './lib/repo-text.ts';
import { formatFinding, readRuffSettings, ruffCheck } from './lib/ruff.ts';

const ROOT = resolve(import.meta.dirname, '..');
const files = repoFiles(ROOT).filter((f) => f.endsWith('.py'));
const findings = ruffCheck(ROOT, files, readRuffSettings(join(ROOT, 'ruff.toml')));
for (const f of findings) console.log(formatFinding(f));
console.log(`ruff: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${files.length} Python files`);
process.exit(findings.length ? 1 : 0);
