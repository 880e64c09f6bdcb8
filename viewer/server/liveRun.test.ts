import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startLiveRun } from './liveRun.ts';
import type { LiveMessage } from './protocol.ts';

/** Collects live messages from the server's /ws until `end`. */
function collect(url: string): Promise<LiveMessage[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}ws`);
    const got: LiveMessage[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as LiveMessage;
      got.push(m);
      if (m.type === 'end') {
        ws.close();
        resolve(got);
      }
    });
    ws.on('error', reject);
  });
}

describe('startLiveRun', () => {
  it('streams every tick in time order, then the collisions as events, then end', async () => {
    const live = await startLiveRun('cut_in', { planner: 'idm', speed: 0 });
    if (!live.ok) throw new Error(live.error.message);
    try {
      const msgs = await collect(live.value.server.url);
      const ticks = msgs.flatMap((m) => (m.type === 'tick' ? [m.tick.tS] : []));
      // cut_in: 15 s at 0.1 s → 151 ticks; a browser joining late still gets them all (backlog).
      expect(ticks).toHaveLength(151);
      expect(ticks.every((t, i) => i === 0 || t > ticks[i - 1]!)).toBe(true);
      // IDM does not yield to the cutter in cut_in (its CLS is 0 for an at-fault collision).
      expect(msgs.some((m) => m.type === 'event' && m.event.kind === 'collision')).toBe(true);
      expect(msgs.at(-1)?.type).toBe('end');
      const log = await live.value.done;
      expect(log.metrics?.details.collisions.length).toBeGreaterThan(0);
    } finally {
      await live.value.server.close();
    }
  });

  it('waits for the first browser before streaming, so a view opened late still sees t = 0 onwards', async () => {
    const live = await startLiveRun('cut_in', { planner: 'idm', speed: 0 });
    if (!live.ok) throw new Error(live.error.message);
    try {
      let finished = false;
      void live.value.done.then(() => {
        finished = true;
      });
      // Streaming at once would send all 151 ticks (one timer turn each) well within this wait.
      await new Promise((r) => setTimeout(r, 500));
      expect(finished).toBe(false);
      const msgs = await collect(live.value.server.url);
      expect(msgs[0]).toMatchObject({ type: 'tick', tick: { tS: 0 } });
      await live.value.done;
      expect(finished).toBe(true);
    } finally {
      await live.value.server.close();
    }
  });

  it('streams without a browser when asked to start at once', async () => {
    const live = await startLiveRun('cut_in', { planner: 'idm', speed: 0, startOn: 'now' });
    if (!live.ok) throw new Error(live.error.message);
    try {
      expect((await live.value.done).ticks).toHaveLength(151);
    } finally {
      await live.value.server.close();
    }
  });

  it('returns an error naming the planner instead of throwing for an unknown planner', async () => {
    const live = await startLiveRun('cut_in', { planner: 'no-such-planner' });
    expect(live.ok).toBe(false);
    if (!live.ok) expect(live.error.message).toContain('no-such-planner');
  });

  it('returns NOT_FOUND for an unknown scenario', async () => {
    const live = await startLiveRun('no_such_scenario');
    expect(live.ok).toBe(false);
    if (!live.ok) expect(live.error.code).toBe('NOT_FOUND');
  });
});
