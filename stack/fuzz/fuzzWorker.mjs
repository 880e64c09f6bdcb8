// Bootstraps the TypeScript fuzz worker: registers tsx in this thread, then loads fuzzWorker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./fuzzWorker.ts');
