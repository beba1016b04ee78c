/**
 * Configuration of the print-centre connector, from environment variables (documented with
 * their defaults in ./README.md). Without any variable the connector talks to the local
 * simulators: the drop folder of 'druckzentrum-ordner' under <dataDir>/sim, or the API
 * simulator 'druckzentrum-api' on SIMULATOR_PORT + 3.
 *
 * Credentials (EPOST_PASSWORD, EPOST_SECRET) come from the environment or a *_FILE readable
 * only by its owner; the simulator's demo credentials apply only while EPOST_URL is unset.
 */
import path from 'node:path';
import { z } from 'zod';
import { readCredential, type Secret } from '../credentials';
import { optionalString, positiveInt } from '../../platform/config';


export const druckzentrumEnvSchema = z.object({
  DRUCKZENTRUM_ADAPTER: z.enum(['ordner', 'epost']).default('ordner'),
  DRUCKZENTRUM_EINLIEFERUNG_DIR: optionalString,
  DRUCKZENTRUM_STATUS_DIR: optionalString,
  DRUCKZENTRUM_JOURNAL_DIR: optionalString,
  DRUCKZENTRUM_TIMEOUT_MS: positiveInt.default(30000),
  DRUCKZENTRUM_ABHOLUNG_WARN_MIN: positiveInt.default(30),
  EPOST_URL: optionalString.pipe(z.url().optional()),
  EPOST_VENDOR_ID: optionalString,
  EPOST_EKP: optionalString,
  EPOST_TIMEOUT_MS: positiveInt.default(30000),
  EPOST_MAX_BRIEFE_PRO_ANFRAGE: positiveInt.max(500).default(50),
  SIMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
});

/** Demo access of the API simulator (not secrets: they only open the local simulator). */
export const EPOST_SIMULATOR_ZUGANG = {
  vendorId: 'aktenlauf-demo',
  ekp: '5000000001',
  password: 'demo-passwort-epost',
  secret: 'demo-secret-epost',
} as const;

export const EPOST_PASSWORD = {
  env: 'EPOST_PASSWORD',
  description: 'Passwort des E-POST-Geschäftskundenzugangs (zur EKP)',
} as const;

export const EPOST_SECRET = {
  env: 'EPOST_SECRET',
  description: 'Secret der E-POSTBUSINESS-API (bei der Freischaltung erzeugt)',
} as const;

export type DruckzentrumConfig =
  | {
      adapter: 'ordner';
      einlieferungDir: string;
      statusDir: string;
      journalDir: string;
      timeoutMs: number;
      abholungWarnMs: number;
    }
  | {
      adapter: 'epost';
      url: string;
      /** true when EPOST_URL is unset: the local simulator with its demo access. */
      simulator: boolean;
      vendorId: string;
      ekp: string;
      passwort: Secret;
      secret: Secret;
      timeoutMs: number;
      maxBriefeProAnfrage: number;
    };

export class DruckzentrumConfigError extends Error {
  override name = 'DruckzentrumConfigError';
}

/** Reads and validates the connector's variables; throws with the variable's name when invalid. */
export function loadDruckzentrumConfig(env: NodeJS.ProcessEnv, dataDir: string): DruckzentrumConfig {
  const parsed = druckzentrumEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new DruckzentrumConfigError(`Ungültige Konfiguration des Zentraldrucks: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const resolve = (p: string | undefined, fallback: string) => (p ? path.resolve(p) : fallback);
  if (e.DRUCKZENTRUM_ADAPTER === 'ordner') {
    const simDir = path.join(dataDir, 'sim', 'druckzentrum-ordner');
    return {
      adapter: 'ordner',
      einlieferungDir: resolve(e.DRUCKZENTRUM_EINLIEFERUNG_DIR, path.join(simDir, 'einlieferung')),
      statusDir: resolve(e.DRUCKZENTRUM_STATUS_DIR, path.join(simDir, 'status')),
      journalDir: resolve(e.DRUCKZENTRUM_JOURNAL_DIR, path.join(dataDir, 'druckzentrum', 'journal')),
      timeoutMs: e.DRUCKZENTRUM_TIMEOUT_MS,
      abholungWarnMs: e.DRUCKZENTRUM_ABHOLUNG_WARN_MIN * 60_000,
    };
  }
  const simulator = !e.EPOST_URL;
  const fehlt = (name: string) => new DruckzentrumConfigError(`Ungültige Konfiguration des Zentraldrucks: ${name} fehlt (erforderlich, wenn EPOST_URL gesetzt ist).`);
  const vendorId = e.EPOST_VENDOR_ID ?? (simulator ? EPOST_SIMULATOR_ZUGANG.vendorId : undefined);
  const ekp = e.EPOST_EKP ?? (simulator ? EPOST_SIMULATOR_ZUGANG.ekp : undefined);
  if (!vendorId) throw fehlt('EPOST_VENDOR_ID');
  if (!ekp) throw fehlt('EPOST_EKP');
  return {
    adapter: 'epost',
    url: e.EPOST_URL ?? `http://127.0.0.1:${e.SIMULATOR_PORT + 3}`,
    simulator,
    vendorId,
    ekp,
    passwort: readCredential({ ...EPOST_PASSWORD, simulatorDefault: simulator ? EPOST_SIMULATOR_ZUGANG.password : undefined }, env),
    secret: readCredential({ ...EPOST_SECRET, simulatorDefault: simulator ? EPOST_SIMULATOR_ZUGANG.secret : undefined }, env),
    timeoutMs: e.EPOST_TIMEOUT_MS,
    maxBriefeProAnfrage: e.EPOST_MAX_BRIEFE_PRO_ANFRAGE,
  };
}
