/**
 * Test and bench helper: Debian's mosquitto (MQTT 5) on a free loopback port, with persistence
 * on (so a restart keeps sessions, subscriptions and queued QoS 1 messages, as a production broker
 * would), stopped and restarted by the PID we started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './rosMaster.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface Broker {
  url: string;
  port: number;
  /** Stops the broker (SIGTERM: it writes its persistence file first). */
  stop(): Promise<void>;
  /** Starts it again on the same port and state. */
  start(): Promise<void>;
  /** Stops it for good and removes its state. */
  down(): Promise<void>;
}

const listening = (port: number): Promise<boolean> =>
  new Promise((r) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
  });

/** Starts mosquitto; throws (no silent skip) when it is not installed. */
export async function startBroker(): Promise<Broker> {
  if (!existsSync(MOSQUITTO))
    throw new Error(`${MOSQUITTO} missing: apt-get install mosquitto (npm test's pretest does)`);
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-mqtt-'));
  // started as root, mosquitto drops to its own user: it must be able to write its persistence
  // file here, or it keeps no session across a restart (silently: the log is off)
  chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'log_dest none',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    const t0 = Date.now();
    while (!(await listening(port))) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
      if (Date.now() - t0 > 10_000) throw new Error('mosquitto did not listen within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((r) => {
      c.once('exit', () => r());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async down() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
