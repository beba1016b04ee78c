/**
 * All outside systems of one engine process, created from the environment: each through its
 * port, with the adapter its configuration names (simulators by default). Activities get these
 * and nothing else of the outside world.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { createDruckzentrum } from './druckzentrum';
import type { Druckzentrum } from './druckzentrum/port';
import { createEAkte } from './eakte';
import type { EAkte } from './eakte/port';
import { createFachverfahren } from './fachverfahren';
import type { Fachverfahren } from './fachverfahren/port';

export interface Connectors {
  fachverfahren: Fachverfahren;
  eakte: EAkte;
  druckzentrum: Druckzentrum;
  close(): Promise<void>;
}

export interface ConnectorDeps {
  log: Logger;
  /** Redis of the robot pool (browser adapters). */
  redisUrl: string;
  codec?: PayloadCodec;
  env?: NodeJS.ProcessEnv;
}

export async function createConnectors(cfg: Config, deps: ConnectorDeps): Promise<Connectors> {
  const env = { ...(deps.env ?? process.env), AKTENLAUF_DATA_DIR: cfg.dataDir, SIMULATOR_PORT: String(cfg.simulators.port) };
  const eakte = createEAkte(env, { log: deps.log });
  const druckzentrum = createDruckzentrum(env, { dataDir: cfg.dataDir, log: deps.log });
  const fachverfahren = await createFachverfahren(env, { log: deps.log, redisUrl: deps.redisUrl, codec: deps.codec });
  return {
    fachverfahren,
    eakte,
    druckzentrum,
    async close() {
      await Promise.allSettled([fachverfahren.close(), eakte.close(), druckzentrum.close()]);
    },
  };
}
