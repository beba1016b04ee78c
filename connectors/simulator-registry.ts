/**
 * The simulators of the outside world, started together by workers/simulators.ts (and by
 * tests). Each simulator behaves like the real system behind its port: same formats and
 * protocols, with delays and errors. Simulator i listens on SIMULATOR_PORT + portOffset
 * (if it serves HTTP) and keeps its files under data/sim/<id>/.
 */
import type { Logger } from '../platform/logger';
import { DRUCKZENTRUM_SIMULATOREN } from './druckzentrum/simulator';
import { eakteSimulator } from './eakte/simulator';
import { FACHVERFAHREN_SIMULATOREN } from './fachverfahren/simulator';
import { termineSimulator } from './termine/simulator';
import { mailSimulator } from './mail/simulator';

export interface SimulatorContext {
  /** data/sim/<id>: the simulator's own files (exchange folders, its database). */
  dir: string;
  /** Port to listen on (127.0.0.1), or 0 for any free port (tests). */
  port: number;
  seed: number;
  households: number;
  log: Logger;
}

export interface RunningSimulator {
  /** Base URL of its web UI / API, if it has one. */
  url?: string;
  /** Named folders a site would mount (exchange, hot folder, drop folder). */
  folders?: Record<string, string>;
  stop(): Promise<void>;
}

export interface SimulatorSpec {
  id: string;
  name: string;
  portOffset: number;
  start(ctx: SimulatorContext): Promise<RunningSimulator>;
}

/** Registered simulators; each connector adds its own entry. */
export const SIMULATORS: SimulatorSpec[] = [...FACHVERFAHREN_SIMULATOREN, eakteSimulator, ...DRUCKZENTRUM_SIMULATOREN, termineSimulator, mailSimulator];
