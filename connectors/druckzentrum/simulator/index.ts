/**
 * The two print-centre simulators, as SimulatorSpecs for workers/simulators.ts:
 * - 'druckzentrum-ordner': drop folder with manifest and status files (no port).
 * - 'druckzentrum-api': E-POSTBUSINESS-style HTTP API on SIMULATOR_PORT + 3.
 *
 * DRUCKZENTRUM_SIM_SCHRITT_MS sets the step durations of the simulated progression: one number
 * for every step or three, comma-separated (processing, print centre, post); default 3000,6000,6000.
 * DRUCKZENTRUM_SIM_FEHLERQUOTE (0–1, default 0) lets the API answer that share of requests with
 * 503 and the folder centre lose that share of status files, to watch retries in the demo.
 */
import type { SimulatorSpec } from '../../simulator-registry';
import { EPOST_SIMULATOR_ZUGANG } from '../config';
import { startEpostSimulator } from './api';
import { startOrdnerSimulator } from './ordner';
import { DEMO_SCHRITTE, type SchrittDauern } from './zentrum';

export { startOrdnerSimulator, type OrdnerSimulator, type OrdnerSimOptionen } from './ordner';
export { startEpostSimulator, type EpostSimulator, type EpostSimOptionen } from './api';
export { DruckzentrumSimulation, DEMO_SCHRITTE, type SchrittDauern } from './zentrum';

export function schritteAusEnv(env: NodeJS.ProcessEnv = process.env): SchrittDauern {
  const raw = env.DRUCKZENTRUM_SIM_SCHRITT_MS?.trim();
  if (!raw) return DEMO_SCHRITTE;
  const n = raw.split(',').map((s) => Number(s.trim()));
  if (n.some((x) => !Number.isFinite(x) || x < 0) || (n.length !== 1 && n.length !== 3)) {
    throw new Error('DRUCKZENTRUM_SIM_SCHRITT_MS: eine Zahl oder drei Zahlen (ms), durch Komma getrennt');
  }
  const [a, b = a, c = a] = n as [number, number?, number?];
  return { verarbeitungMs: a, druckzentrumMs: b, postMs: c };
}

export function fehlerquoteAusEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DRUCKZENTRUM_SIM_FEHLERQUOTE?.trim();
  if (!raw) return 0;
  const q = Number(raw);
  if (!Number.isFinite(q) || q < 0 || q > 1) throw new Error('DRUCKZENTRUM_SIM_FEHLERQUOTE: eine Zahl zwischen 0 und 1');
  return q;
}

export const druckzentrumOrdnerSimulator: SimulatorSpec = {
  id: 'druckzentrum-ordner',
  name: 'Zentraldruck (Übergabeordner mit Manifest)',
  portOffset: 0,
  async start(ctx) {
    const sim = await startOrdnerSimulator({ dir: ctx.dir, log: ctx.log, schritte: schritteAusEnv(), pollMs: 1000, verlustquote: fehlerquoteAusEnv() });
    return { folders: sim.folders, stop: () => sim.stop() };
  },
};

export const druckzentrumApiSimulator: SimulatorSpec = {
  id: 'druckzentrum-api',
  name: 'Zentraldruck (E-POSTBUSINESS-API)',
  portOffset: 3,
  async start(ctx) {
    const sim = await startEpostSimulator({
      port: ctx.port, dir: ctx.dir, log: ctx.log, schritte: schritteAusEnv(), zugang: { ...EPOST_SIMULATOR_ZUGANG },
      latenzMs: 80, fehlerquote: fehlerquoteAusEnv(),
    });
    return { url: sim.url, stop: () => sim.stop() };
  },
};

export const DRUCKZENTRUM_SIMULATOREN: SimulatorSpec[] = [druckzentrumOrdnerSimulator, druckzentrumApiSimulator];
