// Bootstraps the TypeScript worker: registers tsx in this thread, then loads evalWorker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./evalWorker.ts');
