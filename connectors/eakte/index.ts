/**
 * The E-Akte connector: `createEAkte(env)` chooses the adapter by EAKTE_ADAPTER
 * ('hotfolder' | 'xdomea'); everything else is configuration (config.ts, README.md).
 */
import { loadEAkteConfig, type EAkteConfig } from './config';
import { HotfolderEAkte } from './hotfolder/adapter';
import type { EAkte } from './port';
import type { EAkteDeps } from './shared/basis';
import { XdomeaEAkte } from './xdomea/adapter';

export type { EAkte, AblageDokument, Ablagemetadaten, Ablageergebnis, DokumentInfo, DokumentSuche, Tag } from './port';
export { DOKUMENTARTEN } from './port';
export type { EAkteConfig } from './config';
export type { EAkteDeps } from './shared/basis';

export function createEAkteFromConfig(cfg: EAkteConfig, deps: EAkteDeps = {}): EAkte {
  const log = deps.log?.child({ connector: 'eakte', adapter: cfg.adapter });
  return cfg.adapter === 'xdomea' ? new XdomeaEAkte(cfg, log, deps) : new HotfolderEAkte(cfg, log, deps);
}

export function createEAkte(env: NodeJS.ProcessEnv = process.env, deps: EAkteDeps & { cwd?: string } = {}): EAkte {
  return createEAkteFromConfig(loadEAkteConfig(env, deps.cwd), deps);
}
