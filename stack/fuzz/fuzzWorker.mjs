// Bootstraps the fuzz worker thread from the sources (tests, the library; the CLI in dist/ starts
// dist/fuzzWorker.mjs itself): a fresh build in dist/ when there is one, else tsx and
// fuzzWorker.ts, as stack/eval/evalWorker.mjs does (which says what it saves).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBuild } from '../../scripts/sourceStamp.mjs';

const built = freshBuild(join(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'fuzzWorker');
let loaded = false;
if (built) {
  try {
    await import(pathToFileURL(built).href);
    loaded = true;
  } catch {
    // a rebuild swapped dist/ away under us (bin/edgeplan.js after a source change): an ES module
    // that fails to link runs none of its code, so the sources can take over cleanly
  }
}
if (!loaded) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./fuzzWorker.ts');
}
