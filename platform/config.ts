/**
 * The one typed configuration of Aktenlauf, read from environment variables and validated.
 * Every variable is documented in the README (section "Configuration") with its default.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

export const port = z.coerce.number().int().min(1).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const envSchema = z.object({
  AKTENLAUF_DATA_DIR: z.string().default('data'),
  AKTENLAUF_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** File mode mask of every engine process: 077 = files with Sozialdaten readable by the engine's user only. */
  AKTENLAUF_UMASK: z
    .string()
    .regex(/^0?[0-7]{3}$/, 'drei Oktalziffern, z. B. 077 (nur der Benutzer des Dienstes) oder 027 (auch seine Gruppe lesend)')
    .default('077')
    .transform((v) => parseInt(v, 8)),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('aktenlauf'),
  TEMPORAL_CLI: optionalString,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optionalString,
  TEMPORAL_RETENTION_DAYS: positiveInt.max(3650).default(30),
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt.default(1000),

  REDIS_URL: optionalString,
  AKTENLAUF_REDIS_PORT: port.default(6390),

  CHROMIUM_PATH: optionalString,

  CONSOLE_HOST: z.string().default('127.0.0.1'),
  CONSOLE_PORT: port.default(3000),
  CONSOLE_PUBLIC_URL: optionalString,
  CONSOLE_SESSION_HOURS: positiveInt.max(24).default(8),
  AKTENLAUF_USERS_FILE: optionalString,
  AKTENLAUF_DEMO_PASSWORD: optionalString,

  AKTENLAUF_CODEC_KEYS: optionalString,
  AKTENLAUF_PSEUDONYM_KEY: optionalString,

  INTAKE_SCANNER_DIR: optionalString,
  INTAKE_POLL_MS: positiveInt.default(1000),
  INTAKE_STABLE_MS: z.coerce.number().int().min(0).default(2000),
  /** Files of one sweep taken together as a Stapel from this many on (0 = every file alone); at most INTAKE_STAPEL_MAX per Stapel. */
  INTAKE_STAPEL_MIN: z.coerce.number().int().min(0).default(2),
  INTAKE_STAPEL_MAX: z.coerce.number().int().min(2).max(200).default(50),
  INTAKE_APP_DIR: optionalString,
  INTAKE_HOST: z.string().default('127.0.0.1'),
  INTAKE_PORT: port.default(3010),
  /** SMTP intake of e-mail (0 = off); only INTAKE_MAIL_ERLAUBT may deliver. */
  INTAKE_MAIL_HOST: z.string().default('127.0.0.1'),
  INTAKE_MAIL_PORT: z.coerce.number().int().min(0).max(65535).default(3025),
  INTAKE_MAIL_ERLAUBT: z
    .string()
    .default('127.0.0.1,::1')
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((l) => l.every((a) => isIP(a) !== 0), 'kommagetrennte IP-Adressen des Mail-Gateways, z. B. 10.1.2.3,127.0.0.1'),
  INTAKE_MAIL_MAX_MB: positiveInt.max(200).default(30),
  EINGANGSDATUM_QUELLE: z.enum(['mtime', 'heute']).default('mtime'),

  SIMULATOR_PORT: port.default(4010),
  SIMULATOR_HOUSEHOLDS: positiveInt.max(200000).default(2000),
  SIMULATOR_SEED: z.coerce.number().int().default(20261126),

  OTEL_TRACING: z.enum(['0', '1', '']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  dataDir: string;
  logLevel: Env['AKTENLAUF_LOG_LEVEL'];
  /** AKTENLAUF_UMASK as a number (e.g. 0o077). */
  umask: number;
  temporal: {
    /** true when Aktenlauf starts its own dev server (no TEMPORAL_ADDRESS given). */
    embedded: boolean;
    address: string;
    namespace: string;
    taskQueue: string;
    cliPath?: string;
    port: number;
    uiPort: number;
    /** Upstream of the Temporal Web UI that the console serves under /temporal (behind its login). */
    uiUrl?: string;
    retentionDays: number;
    dbFile: string;
    /** Workflows a worker keeps in memory (sleeping Weiterbewilligungen need not stay cached). */
    maxCachedWorkflows: number;
  };
  redis: {
    /** true when REDIS_URL was given explicitly: then it must answer, no fallback. */
    explicit: boolean;
    url: string;
    embeddedPort: number;
    dir: string;
  };
  chromiumPath?: string;
  console: {
    host: string;
    port: number;
    publicUrl: string;
    sessionHours: number;
    usersFile: string;
    demoPassword?: string;
  };
  codec: {
    keysFromEnv?: string;
    keyFile: string;
  };
  /** Secret for opaque keys of households in ids (base64, ≥ 32 bytes); else data/pseudonym-key. */
  pseudonymKey?: string;
  intake: {
    scannerDir: string;
    storeDir: string;
    pollMs: number;
    stableMs: number;
    /** Several files of one sweep as one Stapel workflow (min < 2: every file alone). */
    stapel: { min: number; max: number };
    /** Drop folder for messages of the citizen app (XML). */
    appDir: string;
    /** HTTP intake of the citizen app (POST /api/eingang/nachricht). */
    host: string;
    port: number;
    /** Eingangsdatum of hot-folder files: the file's mtime (when the scanner wrote it) or the day it is taken. */
    eingangsdatumQuelle: 'mtime' | 'heute';
    /** SMTP intake of e-mail (workers/mail-eingang.ts); port 0 = off. */
    mail: { host: string; port: number; erlaubt: string[]; maxBytes: number };
  };
  simulators: { port: number; households: number; seed: number; dir: string };
  runDir: string;
  /** OpenTelemetry tracing (platform/tracing.ts): off unless OTEL_TRACING=1 or an OTLP endpoint is set. */
  tracing: { enabled: boolean; endpoint?: string; file: string };
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Ungültige Konfiguration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.AKTENLAUF_DATA_DIR);
  const consoleHostForUrl = e.CONSOLE_HOST === '0.0.0.0' ? '127.0.0.1' : e.CONSOLE_HOST;
  return {
    dataDir,
    logLevel: e.AKTENLAUF_LOG_LEVEL,
    umask: e.AKTENLAUF_UMASK,
    temporal: {
      embedded: !e.TEMPORAL_ADDRESS,
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL ?? (e.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`),
      retentionDays: e.TEMPORAL_RETENTION_DAYS,
      dbFile: path.join(dataDir, 'temporal.db'),
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    },
    redis: {
      explicit: Boolean(e.REDIS_URL),
      url: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
      embeddedPort: e.AKTENLAUF_REDIS_PORT,
      dir: path.join(dataDir, 'redis'),
    },
    chromiumPath: e.CHROMIUM_PATH,
    console: {
      host: e.CONSOLE_HOST,
      port: e.CONSOLE_PORT,
      publicUrl: e.CONSOLE_PUBLIC_URL ?? `http://${consoleHostForUrl}:${e.CONSOLE_PORT}`,
      sessionHours: e.CONSOLE_SESSION_HOURS,
      usersFile: e.AKTENLAUF_USERS_FILE ? path.resolve(cwd, e.AKTENLAUF_USERS_FILE) : path.join(dataDir, 'users.json'),
      demoPassword: e.AKTENLAUF_DEMO_PASSWORD,
    },
    codec: {
      keysFromEnv: e.AKTENLAUF_CODEC_KEYS,
      keyFile: path.join(dataDir, 'codec-keys.json'),
    },
    pseudonymKey: e.AKTENLAUF_PSEUDONYM_KEY,
    intake: {
      scannerDir: e.INTAKE_SCANNER_DIR ? path.resolve(cwd, e.INTAKE_SCANNER_DIR) : path.join(dataDir, 'intake', 'scanner'),
      storeDir: path.join(dataDir, 'store', 'eingang'),
      pollMs: e.INTAKE_POLL_MS,
      stableMs: e.INTAKE_STABLE_MS,
      stapel: { min: e.INTAKE_STAPEL_MIN, max: e.INTAKE_STAPEL_MAX },
      appDir: e.INTAKE_APP_DIR ? path.resolve(cwd, e.INTAKE_APP_DIR) : path.join(dataDir, 'intake', 'app'),
      host: e.INTAKE_HOST,
      port: e.INTAKE_PORT,
      eingangsdatumQuelle: e.EINGANGSDATUM_QUELLE,
      mail: { host: e.INTAKE_MAIL_HOST, port: e.INTAKE_MAIL_PORT, erlaubt: e.INTAKE_MAIL_ERLAUBT, maxBytes: e.INTAKE_MAIL_MAX_MB * 1024 * 1024 },
    },
    simulators: { port: e.SIMULATOR_PORT, households: e.SIMULATOR_HOUSEHOLDS, seed: e.SIMULATOR_SEED, dir: path.join(dataDir, 'sim') },
    runDir: path.join(dataDir, 'run'),
    tracing: {
      enabled: e.OTEL_TRACING === '1' || (e.OTEL_TRACING !== '0' && Boolean(e.OTEL_EXPORTER_OTLP_ENDPOINT)),
      endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      file: path.join(dataDir, 'traces', 'spans.jsonl'),
    },
  };
}
