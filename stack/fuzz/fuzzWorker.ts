/** Worker-thread side of `runFuzz`: runs one fuzz case per message and posts the result back. */
import { parentPort } from 'node:worker_threads';
import { runFuzzCase } from './fuzz.ts';
import { buildFuzzMaps, FUZZ_FAMILIES } from './fuzzScenario.ts';

/** The fuzz maps, built once per worker on its first case. */
let maps: ReturnType<typeof buildFuzzMaps> | undefined;

parentPort!.on('message', (m: { seed: number; index: number; planner: string; durationS: number }) => {
  try {
    maps ??= buildFuzzMaps();
    parentPort!.postMessage(runFuzzCase(m.seed, m.index, m.planner, m.durationS, maps));
  } catch (e) {
    parentPort!.postMessage({
      index: m.index,
      family: FUZZ_FAMILIES[m.index % FUZZ_FAMILIES.length],
      atFaultOff: 0,
      atFaultOn: 0,
      vetoTicks: 0,
      modifyTicks: 0,
      progressOff: 0,
      progressOn: 0,
      error: String(e),
    });
  }
});
