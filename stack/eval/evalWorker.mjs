// Bootstraps the evaluation worker thread from the sources (tests, the library; the CLI in dist/
// starts dist/evalWorker.mjs itself). A fresh build in dist/ (the same stamp rule as
// bin/edgeplan.js) is loaded as it is; otherwise tsx is registered in this thread and compiles
// evalWorker.ts and everything it imports: 0.98 s of CPU to a thread's first result (cut_in, idm,
// tsx cache warm) against 0.45 s from the build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBuiltOrSource } from '../../scripts/sourceStamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
await importBuiltOrSource(root, 'evalWorker', new URL('./evalWorker.ts', import.meta.url).href);
