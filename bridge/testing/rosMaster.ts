/**
 * Test and bench helpers around the real ROS 1 stack in `shared/ros` (roscore + rosbridge_suite
 * 0.11.17 + rosapi on loopback): start and stop it, kill and restart rosbridge alone, run the
 * simulated vehicle node. Nothing here is a server of ours: every message goes through rosbridge.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

/**
 * The shared folder: `../shared` beside the repository (CI's fresh clone), else the nearest
 * ancestor's `shared/` (a git worktree nested one level deeper). Throws when there is none: the
 * tests must not skip silently.
 */
export function sharedDir(): string {
  let dir = resolve(REPO, '..');
  for (let i = 0; i < 4; i++) {
    const cand = join(dir, 'shared');
    if (existsSync(join(cand, 'ros', 'up'))) return cand;
    dir = resolve(dir, '..');
  }
  throw new Error(`no shared/ros/up beside ${REPO} or above it (CI puts ../shared beside the clone)`);
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface RosMaster {
  url: string;
  port: number;
  stateDir: string;
  /** Environment for rospy nodes and rostopic against this master. */
  env: NodeJS.ProcessEnv;
  /** Kills rosbridge (its process group), leaving roscore and the nodes up. */
  killRosbridge(): Promise<void>;
  /** Starts rosbridge again on the same port (as `up` does); resolves when it listens. */
  startRosbridge(): Promise<void>;
  /** The tail of rosbridge's log (errors show only there). */
  logTail(lines?: number): string;
  down(): Promise<void>;
}

function parseEnvSh(file: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    for (const m of line.matchAll(/(\w+)=(\S+)/g)) {
      env[m[1]!] = m[2]!.replace(/\$PATH/, process.env.PATH ?? '');
    }
  }
  return env;
}

const waitPort = async (port: number, timeoutMs: number): Promise<void> => {
  const { connect } = await import('node:net');
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/**
 * Where the message code that `up` generates with genpy (STATE_DIR/gen, ≈ 2 s of CPU) is kept between
 * starts: a folder under the system temp folder named after the content of everything it is made
 * from (the script, rosbridge's and our message definitions, rosapi's sources), so an edit to any
 * of them generates afresh.
 */
function genCacheDir(shared: string, extra: string): string {
  const h = createHash('sha256');
  const add = (path: string) => {
    if (!existsSync(path)) return;
    if (!statSync(path).isDirectory()) {
      h.update(path).update(readFileSync(path));
      return;
    }
    for (const f of (readdirSync(path, { recursive: true }) as string[]).sort()) {
      const full = join(path, f);
      if (statSync(full).isFile()) h.update(full).update(readFileSync(full));
    }
  };
  const rb = join(shared, 'ros', 'rosbridge_suite');
  for (const p of [
    join(shared, 'ros', 'up'),
    join(shared, 'ros', 'msg'),
    join(rb, 'rosbridge_msgs'),
    join(rb, 'rosapi'),
    extra,
  ])
    add(p);
  return join(tmpdir(), `edgeplan-ros-gen-${h.digest('hex').slice(0, 16)}`);
}

/** apt-get's message when another package manager holds its lock (lists or dpkg frontend). */
const APT_LOCK_HELD = /Could not get lock|Unable to lock (the administration )?directory|dpkg frontend lock/;
/** Tries of `up` while apt's lock is held, 10 s apart (≈ 5 min in all). */
const APT_LOCK_ATTEMPTS = 30;

/** Starts roscore + rosbridge + rosapi (and generates our test message packages) on a free port. */
export async function startRosMaster(): Promise<RosMaster> {
  const shared = sharedDir();
  const up = join(shared, 'ros', 'up');
  const down = join(shared, 'ros', 'down');
  const stateDir = mkdtempSync(join(tmpdir(), 'edgeplan-ros-'));
  const port = await freePort();
  const extra = join(HERE, 'ros_msgs');
  // `up` skips generating when it finds gen/.done: the copy of an earlier start's generated code.
  const genCache = genCacheDir(shared, extra);
  if (existsSync(join(genCache, '.done'))) cpSync(genCache, join(stateDir, 'gen'), { recursive: true });
  let url = '';
  // On a new machine `up` installs ROS with apt-get; another apt-get (unattended upgrades, the
  // pretest's own install in a parallel run) holding the lock makes it fail at once: wait and retry.
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await run('bash', [up, stateDir, String(port)], {
        env: { ...process.env, ROS_EXTRA_MSGS: extra },
        timeout: 600_000,
      });
      url = r.stdout.trim().split('\n').pop()!;
      break;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      const text = err.stderr ?? err.message;
      if (attempt < APT_LOCK_ATTEMPTS && APT_LOCK_HELD.test(text)) {
        await new Promise((r) => setTimeout(r, 10_000));
        continue;
      }
      throw new Error(`ros/up failed: ${text}`);
    }
  }
  if (!existsSync(genCache)) {
    // copied aside, then renamed into place: a test run beside this one sees all of it or none
    const partial = mkdtempSync(`${genCache}-partial-`);
    cpSync(join(stateDir, 'gen'), partial, { recursive: true });
    try {
      renameSync(partial, genCache);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another run put it there first
    }
  }
  const env = { ...process.env, ...parseEnvSh(join(stateDir, 'env.sh')) };
  const logs = join(stateDir, 'logs');
  const rb = join(shared, 'ros', 'rosbridge_suite');
  return {
    url,
    port,
    stateDir,
    env,
    async killRosbridge() {
      const pid = Number(readFileSync(join(logs, 'rosbridge.pid'), 'utf8'));
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async startRosbridge() {
      const child = spawn(
        '/usr/bin/python3',
        [
          join(rb, 'rosbridge_server/scripts/rosbridge_websocket.py'),
          '__name:=rosbridge_websocket',
          `_port:=${port}`,
          '_address:=127.0.0.1',
        ],
        { env, detached: true, stdio: 'ignore' },
      );
      child.unref();
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(logs, 'rosbridge.pid'), String(child.pid));
      await waitPort(port, 60_000);
    },
    logTail(lines = 30) {
      try {
        return readFileSync(join(logs, 'rosbridge.log'), 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '(no rosbridge log)';
      }
    },
    async down() {
      await run('bash', [down, stateDir]).catch(() => {});
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface VehicleReport {
  t: number;
  x: number;
  y: number;
  h: number;
  v: number;
  controls: number;
  paused: boolean;
  minGap: number;
  lastControl: number | null;
  latMs: number[];
}

export interface VehicleNode {
  child: ChildProcessWithoutNullStreams;
  reports: VehicleReport[];
  events: string[];
  last(): VehicleReport | undefined;
  send(cmd: 'pause' | 'resume' | 'quit'): void;
  /** Resolves with the first report from now on that satisfies `pred`; rejects after `timeoutMs` (with context). */
  waitFor(pred: (r: VehicleReport) => boolean, timeoutMs: number, what: string): Promise<VehicleReport>;
  stop(): Promise<void>;
  stderr(): string;
}

/** Starts the simulated vehicle node (bridge/testing/ros_vehicle.py) with Debian's python. */
export async function startVehicle(m: RosMaster, args: string[]): Promise<VehicleNode> {
  const child = spawn('/usr/bin/python3', [join(HERE, 'ros_vehicle.py'), ...args], { env: m.env });
  const reports: VehicleReport[] = [];
  const events: string[] = [];
  let err = '';
  let buf = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const j = JSON.parse(line) as VehicleReport & { event?: string };
        if (j.event) events.push(j.event);
        else reports.push(j);
      } catch {
        err += `${line}\n`;
      }
      i = buf.indexOf('\n');
    }
    for (const w of waiters) w();
  });
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const node: VehicleNode = {
    child,
    reports,
    events,
    last: () => reports[reports.length - 1],
    send: (cmd) => child.stdin.write(`${cmd}\n`),
    stderr: () => err,
    waitFor(pred, timeoutMs, what) {
      return new Promise((res, rej) => {
        let from = reports.length; // only reports from now on
        const check = (): void => {
          for (; from < reports.length; from++)
            if (pred(reports[from]!)) {
              cleanup();
              res(reports[from]!);
              return;
            }
          if (child.exitCode !== null) {
            cleanup();
            rej(new Error(`vehicle node exited (${child.exitCode}) before: ${what}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          rej(
            new Error(
              `timed out after ${timeoutMs} ms waiting for: ${what}; last report ${JSON.stringify(node.last())}\n${err}`,
            ),
          );
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      node.send('quit');
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 3000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    },
  };
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`vehicle node did not start:\n${err}`)), 60_000);
    const check = (): void => {
      if (events.includes('ready')) {
        clearTimeout(t);
        waiters.delete(check);
        res();
      }
    };
    waiters.add(check);
    child.once('exit', (c) => rej(new Error(`vehicle node exited with ${c}:\n${err}`)));
  });
  return node;
}
