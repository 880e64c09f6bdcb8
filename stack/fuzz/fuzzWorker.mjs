// Bootstraps the fuzz worker thread from the sources (tests, the library; the CLI in dist/ starts
// dist/fuzzWorker.mjs itself): a fresh build in dist/ when there is one, else tsx and
// fuzzWorker.ts, as stack/eval/evalWorker.mjs does (which says what it saves).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBuiltOrSource } from '../../scripts/sourceStamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
await importBuiltOrSource(root, 'fuzzWorker', new URL('./fuzzWorker.ts', import.meta.url).href);
