/**
 * The Fachverfahren connector: port (port.ts), adapters (open-prosoz/ file interface,
 * compass/ browser robot), simulators and the factory that picks the adapter from the
 * environment (FACHVERFAHREN_ADAPTER). Formats and settings: README.md.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from '../../platform/logger';
import { createCompassFachverfahren } from './compass/adapter';
import { loadCompassConfig } from './compass/config';
import { FachverfahrenConfigError, loadFachverfahrenConfig } from './config';
import { createOpenProsozFachverfahren } from './open-prosoz/adapter';
import type { Fachverfahren } from './port';

export type { Fachverfahren } from './port';

export interface FachverfahrenDeps {
  log?: Logger;
  /** Base for relative paths (default: process.cwd()). */
  cwd?: string;
  /** Redis of the robot pool (comp.ASS only). */
  redisUrl?: string;
  /** The engine's payload codec: robot job data are sealed in Redis (comp.ASS only). */
  codec?: PayloadCodec;
  /** BullMQ key prefix (comp.ASS only; tests). */
  queuePrefix?: string;
}

/** The Fachverfahren adapter the configuration asks for. Swapping simulator for real system = other env values. */
export async function createFachverfahren(env: NodeJS.ProcessEnv = process.env, deps: FachverfahrenDeps = {}): Promise<Fachverfahren> {
  const cfg = loadFachverfahrenConfig(env, deps.cwd);
  switch (cfg.adapter) {
    case 'open-prosoz':
      return createOpenProsozFachverfahren(cfg.openProsoz, { log: deps.log });
    case 'compass': {
      if (!deps.redisUrl) throw new FachverfahrenConfigError('FACHVERFAHREN_ADAPTER=compass braucht Redis für den Roboter-Pool (redisUrl).');
      return createCompassFachverfahren(loadCompassConfig(env), { redisUrl: deps.redisUrl, codec: deps.codec, queuePrefix: deps.queuePrefix });
    }
  }
}
