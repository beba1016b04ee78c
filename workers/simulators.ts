/**
 * The simulators of the outside world (Fachverfahren, E-Akte, print centre, appointment
 * system). Foundation stage: the process and its health endpoint; each system's simulator
 * is filled in by the connector work (see connectors/README.md).
 */
import http from 'node:http';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { runMain, signalReady } from '../platform/lifecycle';

export const SIMULATED_SYSTEMS = [
  { id: 'open-prosoz', name: 'Fachverfahren OPEN/PROSOZ (Dateischnittstelle)' },
  { id: 'compass', name: 'Fachverfahren comp.ASS (Webanwendung)' },
  { id: 'eakte', name: 'E-Akte / DMS (Hot-Folder, XDOMEA)' },
  { id: 'druckzentrum', name: 'Druck- und Versandzentrum' },
  { id: 'termine', name: 'Terminsystem' },
] as const;

export function createSimulatorServer(): http.Server {
  return http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, systems: SIMULATED_SYSTEMS.map((s) => ({ id: s.id, state: 'platzhalter' })) }));
      return;
    }
    if (req.url === '/' || req.url === '') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="de"><meta charset="utf-8"><title>Simulatoren</title><h1>Simulatoren der Außenwelt</h1><ul>${SIMULATED_SYSTEMS.map((s) => `<li>${s.name}: Platzhalter</li>`).join('')}</ul></html>`);
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
    const server = createSimulatorServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.simulators.port, '127.0.0.1', () => resolve());
    });
    log.info({ port: cfg.simulators.port }, 'simulators listening');
    signalReady();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}
