/**
 * The print centre (Zentraldruck) connector: `createDruckzentrum(env, deps)` picks the adapter
 * by DRUCKZENTRUM_ADAPTER ('ordner' | 'epost'); swapping simulator and real centre changes
 * configuration only. Port: ./port.ts; formats and variables: ./README.md.
 */
import path from 'node:path';
import type { Logger } from '../../platform/logger';
import { loadDruckzentrumConfig, type DruckzentrumConfig } from './config';
import { OrdnerDruckzentrum } from './dropfolder/adapter';
import { EpostDruckzentrum } from './epost/adapter';
import type { Druckzentrum } from './port';

export type { Druckzentrum, Druckauftrag, Brief, AuftragsStatus, BriefStatus, DruckStatus } from './port';
export { gesamtStatus, istEndstatus } from './port';
export { FEHLERCODES, type Fehlercode } from './fehlercodes';
export { pruefeBrief, type PreflightErgebnis } from './preflight';
export { loadDruckzentrumConfig, type DruckzentrumConfig } from './config';

export interface DruckzentrumDeps {
  /** The engine's data dir (defaults of folders and journal). */
  dataDir: string;
  log: Logger;
  /** Clock (tests). */
  now?: () => number;
}

export function druckzentrumAusConfig(cfg: DruckzentrumConfig, deps: DruckzentrumDeps): Druckzentrum {
  const log = deps.log.child({ connector: 'druckzentrum', adapter: cfg.adapter });
  if (cfg.adapter === 'ordner') {
    return new OrdnerDruckzentrum({
      einlieferungDir: cfg.einlieferungDir,
      statusDir: cfg.statusDir,
      journalDir: cfg.journalDir,
      timeoutMs: cfg.timeoutMs,
      abholungWarnMs: cfg.abholungWarnMs,
      log,
      now: deps.now,
    });
  }
  return new EpostDruckzentrum({
    url: cfg.url,
    vendorId: cfg.vendorId,
    ekp: cfg.ekp,
    passwort: cfg.passwort,
    secret: cfg.secret,
    timeoutMs: cfg.timeoutMs,
    maxBriefeProAnfrage: cfg.maxBriefeProAnfrage,
    log,
    now: deps.now,
  });
}

/** The print centre chosen by configuration (throws DruckzentrumConfigError / CredentialError). */
export function createDruckzentrum(env: NodeJS.ProcessEnv, deps: DruckzentrumDeps): Druckzentrum {
  return druckzentrumAusConfig(loadDruckzentrumConfig(env, path.resolve(deps.dataDir)), deps);
}
