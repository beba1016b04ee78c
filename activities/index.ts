/**
 * All activities of the engine, created with their dependencies. Each capability registers
 * its factory here (one line); activities reach outside systems only through `connectors`.
 */
import type { Connectors } from '../connectors';
import type { Logger } from '../platform/logger';
import { createRegisterActivities } from './posteingang/register';
import { createPosteingangActivities } from './posteingang';
import { createStapelActivities } from './posteingang/stapel';
import { createErkennungActivities } from './erkennung';
import { createDruckActivities } from './druck';
import { createWeiterbewilligungActivities } from './weiterbewilligung';
import { createBetriebActivities } from './betrieb';
import { createTermineActivities } from './termine';

export interface ActivityDeps {
  dataDir: string;
  /** Outside systems; absent in processes that run only the Posteingang tracer. */
  connectors?: Connectors;
  log?: Logger;
}

/** The connectors, or a clear error when a process was started without them. */
export function requireConnectors(deps: ActivityDeps): Connectors {
  if (!deps.connectors) throw new Error('Dieser Worker wurde ohne Anbindungen (connectors) gestartet.');
  return deps.connectors;
}

export function createActivities(deps: ActivityDeps) {
  const register = createRegisterActivities(deps);
  const posteingang = createPosteingangActivities(deps);
  const stapelParallel = Number(process.env.POSTEINGANG_STAPEL_PARALLEL);
  return {
    ...register,
    ...posteingang,
    ...createStapelActivities(posteingang, register, { dataDir: deps.dataDir, ...(stapelParallel >= 1 ? { parallel: Math.round(stapelParallel) } : {}) }),
    ...createErkennungActivities(deps),
    ...createWeiterbewilligungActivities(deps),
    ...createDruckActivities(deps),
    ...createBetriebActivities(deps),
    ...createTermineActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
