import { spawn } from 'node:child_process';
import mqtt from 'mqtt';
import { topicFor } from '../mqtt/MqttTopics.ts';
import { RobotBody } from './mqttRobotBody.ts';

/**
 * Runs `edgeplan mqtt …args` (the CLI at `bin`) against the broker at `url` with a simulated body for
 * robot r1 at (2, 0), sends it a mission to (20, 0) until `done()` says enough has happened (re-sent
 * every 2 s: the process may still be subscribing; the same id is a duplicate) or 60 s pass, then
 * stops the process with SIGINT and waits for it: what the CLI bridge tests drive a robot with.
 * Returns what the process printed.
 */
export async function runMqttMission(
  bin: string,
  url: string,
  args: string[],
  done: () => boolean,
): Promise<{ stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [bin, 'mqtt', '--url', url, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  p.stdout.on('data', (b) => {
    out.stdout += b;
  });
  p.stderr.on('data', (b) => {
    out.stderr += b;
  });
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  const body = new RobotBody({ url, robot: 'r1', x: 2, y: 0, commandTimeoutS: 0.3 });
  const sender = mqtt.connect(url, { protocolVersion: 5, clientId: 'sender' });
  try {
    await new Promise<void>((r) => sender.once('connect', () => r()));
    for (let i = 0; i < 600 && !done(); i++) {
      if (i % 20 === 0)
        await sender.publishAsync(
          topicFor('mission', 'r1'),
          JSON.stringify({ missionId: 'm1', goal: { x: 20, y: 0, headingRad: 0 } }),
          { qos: 1 },
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    p.kill('SIGINT');
    await exited;
    await body.stop();
    await sender.endAsync(true);
  }
  return out;
}
