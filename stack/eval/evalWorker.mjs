// Bootstraps the evaluation worker thread from the sources (tests, the library; the CLI in dist/
// starts dist/evalWorker.mjs itself). A fresh build in dist/ (the same stamp rule as
// bin/edgeplan.js) is loaded as it is; otherwise tsx is registered in this thread and compiles
// evalWorker.ts and everything it imports: 0.98 s of CPU to a thread's first result (cut_in, idm,
// tsx cache warm) against 0.45 s from the build.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBuild } from '../../scripts/sourceStamp.mjs';

const built = freshBuild(join(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'evalWorker');
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
  await import('./evalWorker.ts');
}
