/**
 * Configuration of the E-Akte connector from environment variables (documented with defaults
 * in connectors/eakte/README.md). The defaults point at the local simulator, so `npm start`
 * works without configuration; a site sets folders, URL and token of its real DMS.
 */
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../platform/config';
import { readCredential, type CredentialSpec, type Secret } from '../credentials';

/** Bearer token of the DMS's read API. */
export const EAKTE_API_TOKEN: CredentialSpec = {
  env: 'EAKTE_API_TOKEN',
  description: 'Token der Lese-API der E-Akte (Bearer)',
  simulatorDefault: 'aktenlauf-sim-eakte',
};

/** Port offset of the E-Akte simulator (SIMULATOR_PORT + 2). */
export const EAKTE_SIM_PORT_OFFSET = 2;

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const positiveInt = z.coerce.number().int().positive();

export const eakteEnvSchema = z.object({
  EAKTE_ADAPTER: z.enum(['hotfolder', 'xdomea']).default('hotfolder'),
  EAKTE_HOTFOLDER_DIR: optionalString,
  EAKTE_HOTFOLDER_EINGANG_DIR: optionalString,
  EAKTE_HOTFOLDER_ERGEBNIS_DIR: optionalString,
  EAKTE_XDOMEA_DIR: optionalString,
  EAKTE_XDOMEA_IMPORT_DIR: optionalString,
  EAKTE_XDOMEA_QUITTUNG_DIR: optionalString,
  EAKTE_XDOMEA_VERSION: z.enum(['3.0.0', '3.1.0']).default('3.1.0'),
  EAKTE_XDOMEA_ABSENDER: z.string().trim().min(1).default('Jobcenter'),
  EAKTE_XDOMEA_EMPFAENGER: z.string().trim().min(1).default('E-Akte'),
  EAKTE_API_URL: optionalString,
  EAKTE_API_TIMEOUT_MS: positiveInt.max(600_000).default(10_000),
  EAKTE_ERGEBNIS_TIMEOUT_MS: positiveInt.max(3_600_000).default(60_000),
  EAKTE_POLL_MS: positiveInt.max(60_000).default(500),
  // Used for the defaults that point at the local simulator.
  AKTENLAUF_DATA_DIR: z.string().default('data'),
  SIMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
});

export interface EAkteConfig {
  adapter: 'hotfolder' | 'xdomea';
  hotfolder: { eingangDir: string; ergebnisDir: string };
  xdomea: { importDir: string; quittungDir: string; version: '3.0.0' | '3.1.0'; absender: string; empfaenger: string };
  api: { url: string; timeoutMs: number; token: Secret };
  ergebnisTimeoutMs: number;
  pollMs: number;
}

export function loadEAkteConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): EAkteConfig {
  const parsed = eakteEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const simDir = path.resolve(cwd, e.AKTENLAUF_DATA_DIR, 'sim', 'eakte');
  const abs = (p: string) => path.resolve(cwd, p);
  const hotRoot = abs(e.EAKTE_HOTFOLDER_DIR ?? path.join(simDir, 'hotfolder'));
  const xdomeaRoot = abs(e.EAKTE_XDOMEA_DIR ?? path.join(simDir, 'xdomea'));
  const url = e.EAKTE_API_URL ?? `http://127.0.0.1:${e.SIMULATOR_PORT + EAKTE_SIM_PORT_OFFSET}`;
  try {
    new URL(url);
  } catch {
    throw new ConfigError([`EAKTE_API_URL: keine gültige URL (${url})`]);
  }
  return {
    adapter: e.EAKTE_ADAPTER,
    hotfolder: {
      eingangDir: e.EAKTE_HOTFOLDER_EINGANG_DIR ? abs(e.EAKTE_HOTFOLDER_EINGANG_DIR) : path.join(hotRoot, 'eingang'),
      ergebnisDir: e.EAKTE_HOTFOLDER_ERGEBNIS_DIR ? abs(e.EAKTE_HOTFOLDER_ERGEBNIS_DIR) : path.join(hotRoot, 'ergebnis'),
    },
    xdomea: {
      importDir: e.EAKTE_XDOMEA_IMPORT_DIR ? abs(e.EAKTE_XDOMEA_IMPORT_DIR) : path.join(xdomeaRoot, 'import'),
      quittungDir: e.EAKTE_XDOMEA_QUITTUNG_DIR ? abs(e.EAKTE_XDOMEA_QUITTUNG_DIR) : path.join(xdomeaRoot, 'quittung'),
      version: e.EAKTE_XDOMEA_VERSION,
      absender: e.EAKTE_XDOMEA_ABSENDER,
      empfaenger: e.EAKTE_XDOMEA_EMPFAENGER,
    },
    api: { url, timeoutMs: e.EAKTE_API_TIMEOUT_MS, token: readCredential(EAKTE_API_TOKEN, env) },
    ergebnisTimeoutMs: e.EAKTE_ERGEBNIS_TIMEOUT_MS,
    pollMs: e.EAKTE_POLL_MS,
  };
}
