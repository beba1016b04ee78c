/**
 * The simulator process: starts every registered simulator of the outside world
 * (connectors/simulator-registry.ts) and serves an overview with their URLs and folders.
 */
import http from 'node:http';
import path from 'node:path';
import { SIMULATORS, type RunningSimulator, type SimulatorSpec } from '../connectors/simulator-registry';
import { loadConfig, type Config } from '../platform/config';
import { createLogger, type Logger } from '../platform/logger';
import { runMain, signalReady } from '../platform/lifecycle';

export interface StartedSimulators {
  running: Array<{ spec: SimulatorSpec; sim: RunningSimulator }>;
  stop(): Promise<void>;
}

export async function startSimulators(cfg: Config, log: Logger, opts: { anyPort?: boolean } = {}): Promise<StartedSimulators> {
  const running: StartedSimulators['running'] = [];
  try {
    for (const spec of SIMULATORS) {
      const sim = await spec.start({
        dir: path.join(cfg.simulators.dir, spec.id),
        port: opts.anyPort ? 0 : cfg.simulators.port + spec.portOffset,
        seed: cfg.simulators.seed,
        households: cfg.simulators.households,
        log: log.child({ sim: spec.id }),
      });
      running.push({ spec, sim });
    }
  } catch (err) {
    for (const r of running.reverse()) await r.sim.stop();
    throw err;
  }
  return {
    running,
    async stop() {
      for (const r of [...running].reverse()) await r.sim.stop();
    },
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createOverviewServer(started: StartedSimulators): http.Server {
  return http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, simulators: started.running.map((r) => ({ id: r.spec.id, url: r.sim.url ?? null })) }));
      return;
    }
    if (req.url === '/' || req.url === '') {
      const rows = started.running
        .map((r) => `<tr><td>${esc(r.spec.name)}</td><td>${r.sim.url ? `<a href="${esc(r.sim.url)}">${esc(r.sim.url)}</a>` : '—'}</td><td>${Object.entries(r.sim.folders ?? {}).map(([k, v]) => `${esc(k)}: <code>${esc(v)}</code>`).join('<br>') || '—'}</td></tr>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="de"><meta charset="utf-8"><title>Simulatoren</title><h1>Simulatoren der Außenwelt</h1><table><thead><tr><th>System</th><th>Adresse</th><th>Ordner</th></tr></thead><tbody>${rows || '<tr><td colspan="3">Keine Simulatoren registriert.</td></tr>'}</tbody></table></html>`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Nicht gefunden');
  });
}

if (require.main === module) {
  const cfg = loadConfig();
  const log = createLogger('simulators', cfg.logLevel);
  runMain(log, async (signal) => {
    const started = await startSimulators(cfg, log);
    const server = createOverviewServer(started);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.simulators.port, '127.0.0.1', () => resolve());
    });
    log.info({ port: cfg.simulators.port, simulators: started.running.map((r) => r.spec.id) }, 'simulators running');
    signalReady();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await started.stop();
  }, { umask: cfg.umask });
}
