/**
 * robots: throughput of the robot pool against the comp.ASS simulator with a realistic page
 * delay (default 150–300 ms per page), for 1, 2 and 3 licensed sessions. Each setting first
 * warms its sessions (login, not measured), then runs N household lookups (findeHaushalt)
 * through BullMQ, all queued at once. The rate limit is set high enough not to cap (the
 * default licence limit of 30 actions/min would cap every setting at 30 lookups/min).
 *
 *   npm run bench -- robots [--lookups 30] [--delay 150-300] [--households 2000]
 *
 * Redis: REDIS_URL if set, else an own redis-server on a free port for the run.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../platform/logger';
import { ensureRedis } from '../scripts/stack/redis';
import { locateChromium } from '../scripts/stack/chromium';
import { createCompassFachverfahren } from '../connectors/fachverfahren/compass/adapter';
import { loadCompassConfig } from '../connectors/fachverfahren/compass/config';
import { compassRobot } from '../connectors/fachverfahren/compass/robot';
import { startCompassSimulator } from '../connectors/fachverfahren/compass/simulator';
import { parseDelay } from '../connectors/robot-pool/web-sim';
import { generiereLandkreis } from '../connectors/fachverfahren/landkreis/generator';
import { FachverfahrenStore } from '../connectors/fachverfahren/landkreis/store';
import { BrowserProvider, RobotWorker } from '../connectors/robot-pool/worker';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function run(args: string[]): Promise<void> {
  const lookups = Number(arg(args, 'lookups', '30'));
  const delay = parseDelay(arg(args, 'delay', '150-300'), [150, 300]);
  const households = Number(arg(args, 'households', '2000'));
  const chromiumPath = locateChromium(process.env.CHROMIUM_PATH);
  if (!chromiumPath) throw new Error('Chromium nicht gefunden (CHROMIUM_PATH).');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-bench-robots-'));
  const log = createLogger('bench-robots', 'silent');
  const redis = await ensureRedis({
    explicit: Boolean(process.env.REDIS_URL), url: process.env.REDIS_URL ?? '', port: await freePort(),
    dir: path.join(tmp, 'redis'), runDir: path.join(tmp, 'run'), logDir: path.join(tmp, 'logs'), log: () => undefined,
  });
  const store = new FachverfahrenStore(generiereLandkreis({ seed: 20261126, haushalte: households }));
  const sim = await startCompassSimulator({ port: 0, store, faults: { delayMs: delay, http500Rate: 0 }, env: { COMPASS_PASSWORD: 'bench' } });
  const browser = new BrowserProvider(chromiumPath);
  const alle = store.alleHaushalte().map((h) => h.bgNummer);
  const lines: string[] = [];
  process.stdout.write(`  comp.ASS simulator: ${households} households, page delay ${delay[0]}–${delay[1]} ms; ${lookups} lookups per setting; rate limit 100000/min (not capping)\n`);
  try {
    for (const sessions of [1, 2, 3]) {
      const env = { COMPASS_URL: sim.url, COMPASS_PASSWORD: 'bench', ROBOT_SESSIONS: String(sessions), ROBOT_RATE_PER_MIN: '100000', ROBOT_ATTEMPTS: '3', ROBOT_BACKOFF_MS: '500' };
      const cc = loadCompassConfig(env);
      const prefix = `bench-${randomBytes(4).toString('hex')}`;
      const robot = new RobotWorker({ def: compassRobot(cc), redisUrl: redis.url, target: cc.robot, process: { lockMs: 30000, stalledIntervalMs: 15000, maxStalled: 1 }, dataDir: tmp, browser, log, prefix });
      await robot.start();
      const fv = await createCompassFachverfahren(cc, { redisUrl: redis.url, queuePrefix: prefix });
      try {
        // Warm-up: every session logs in once (not measured).
        await Promise.all(Array.from({ length: sessions }, (_, i) => fv.findeHaushalt({ bgNummer: alle[i]! })));
        let errors = 0;
        const t0 = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: lookups }, async (_, i) => {
            const bg = alle[(sessions * 1000 + i * 7) % alle.length]!;
            try {
              const h = await fv.findeHaushalt({ bgNummer: bg });
              if (h?.bgNummer !== bg) errors += 1;
            } catch {
              errors += 1;
            }
          }),
        );
        const sec = Number(process.hrtime.bigint() - t0) / 1e9;
        const perMin = (lookups / sec) * 60;
        const line = `robots: sessions=${sessions} lookups_per_min=${perMin.toFixed(1)} errors=${errors}`;
        process.stdout.write(`  sessions=${sessions}: ${lookups} lookups in ${sec.toFixed(1)} s (${(sec / lookups * sessions).toFixed(2)} s per lookup and session)\n`);
        lines.push(line);
      } finally {
        await fv.close();
        await robot.close();
      }
    }
  } finally {
    await browser.close();
    await sim.stop();
    await redis.embedded?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const l of lines) process.stdout.write(`${l}\n`);
}
