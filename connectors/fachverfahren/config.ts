/**
 * Configuration of the Fachverfahren connector from environment variables (documented with
 * defaults in connectors/fachverfahren/README.md). Choosing a real system instead of the
 * simulator changes only these values.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Kodierung } from './open-prosoz/format';

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const kodierung = z.enum(['windows-1252', 'iso-8859-15', 'utf-8']);

export const fachverfahrenEnvSchema = z.object({
  AKTENLAUF_DATA_DIR: z.string().default('data'),
  /** Which adapter the engine uses. */
  FACHVERFAHREN_ADAPTER: z.enum(['open-prosoz', 'compass']).default('open-prosoz'),

  /** Root of the exchange folders export/, import/, quittung/ (default: the simulator's). */
  OPEN_PROSOZ_EXCHANGE_DIR: optionalString,
  OPEN_PROSOZ_ENCODING: kodierung.default('windows-1252'),
  /** How long to wait for the Quittung of an import before a retryable QUITTUNG_TIMEOUT. */
  OPEN_PROSOZ_ACK_TIMEOUT_MS: positiveInt.default(120_000),
  /** How often to look for the Quittung. */
  OPEN_PROSOZ_ACK_POLL_MS: positiveInt.default(250),
  /** Minimum interval between two scans of export/ for new change files (0 = on every lookup). */
  OPEN_PROSOZ_REFRESH_MS: nonNegativeInt.default(2000),
  /** health() fails when the newest export is older than this. */
  OPEN_PROSOZ_EXPORT_MAX_AGE_HOURS: z.coerce.number().positive().default(26),

  /** Simulator only: poll interval for import files, delay of change exports, full export interval, error rate. */
  OPEN_PROSOZ_SIM_IMPORT_POLL_MS: positiveInt.default(2000),
  OPEN_PROSOZ_SIM_EXPORT_DELAY_MS: nonNegativeInt.default(1000),
  OPEN_PROSOZ_SIM_FULL_EXPORT_HOURS: z.coerce.number().positive().default(24),
  OPEN_PROSOZ_SIM_ERROR_RATE: z.coerce.number().min(0).max(1).default(0),
});

export type FachverfahrenEnv = z.infer<typeof fachverfahrenEnvSchema>;

export interface OpenProsozConfig {
  exchangeDir: string;
  kodierung: Kodierung;
  ackTimeoutMs: number;
  ackPollMs: number;
  refreshMs: number;
  exportMaxAgeMs: number;
}

export interface OpenProsozSimulatorConfig {
  kodierung: Kodierung;
  importPollMs: number;
  exportVerzoegerungMs: number;
  vollexportIntervallMs: number;
  fehlerquote: number;
}

export interface FachverfahrenConfig {
  adapter: FachverfahrenEnv['FACHVERFAHREN_ADAPTER'];
  openProsoz: OpenProsozConfig;
}

export class FachverfahrenConfigError extends Error {
  override name = 'FachverfahrenConfigError';
}

function parse(env: NodeJS.ProcessEnv): FachverfahrenEnv {
  const r = fachverfahrenEnvSchema.safeParse(env);
  if (!r.success) {
    throw new FachverfahrenConfigError(`Ungültige Konfiguration des Fachverfahrens:\n${r.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return r.data;
}

export function loadFachverfahrenConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): FachverfahrenConfig {
  const e = parse(env);
  const dataDir = path.resolve(cwd, e.AKTENLAUF_DATA_DIR);
  return {
    adapter: e.FACHVERFAHREN_ADAPTER,
    openProsoz: {
      exchangeDir: e.OPEN_PROSOZ_EXCHANGE_DIR ? path.resolve(cwd, e.OPEN_PROSOZ_EXCHANGE_DIR) : path.join(dataDir, 'sim', 'open-prosoz'),
      kodierung: e.OPEN_PROSOZ_ENCODING,
      ackTimeoutMs: e.OPEN_PROSOZ_ACK_TIMEOUT_MS,
      ackPollMs: e.OPEN_PROSOZ_ACK_POLL_MS,
      refreshMs: e.OPEN_PROSOZ_REFRESH_MS,
      exportMaxAgeMs: e.OPEN_PROSOZ_EXPORT_MAX_AGE_HOURS * 3600_000,
    },
  };
}

export function loadOpenProsozSimulatorConfig(env: NodeJS.ProcessEnv = process.env): OpenProsozSimulatorConfig {
  const e = parse(env);
  return {
    kodierung: e.OPEN_PROSOZ_ENCODING,
    importPollMs: e.OPEN_PROSOZ_SIM_IMPORT_POLL_MS,
    exportVerzoegerungMs: e.OPEN_PROSOZ_SIM_EXPORT_DELAY_MS,
    vollexportIntervallMs: Math.round(e.OPEN_PROSOZ_SIM_FULL_EXPORT_HOURS * 3600_000),
    fehlerquote: e.OPEN_PROSOZ_SIM_ERROR_RATE,
  };
}
