/**
 * Zentraldruck policy from environment variables (defaults in domain/briefdruck.ts
 * STANDARD_POLICY; documented in workflows/zentraldruck/README.md).
 */
import { z } from 'zod';
import { STANDARD_POLICY, type ZentraldruckPolicy } from '../../domain/briefdruck';
import { BUNDESLAENDER, type Bundesland } from '../../domain/fristen';

const uhrzeit = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Uhrzeit HH:MM erwartet').refine((v) => !v.startsWith('02:'), 'nicht zwischen 02:00 und 03:00 (Zeitumstellung)');

export const druckEnvSchema = z.object({
  ZENTRALDRUCK_ANNAHMESCHLUSS: uhrzeit.default(STANDARD_POLICY.annahmeschluss),
  ZENTRALDRUCK_LAND: z.enum(BUNDESLAENDER as [Bundesland, ...Bundesland[]]).default(STANDARD_POLICY.land),
  ZENTRALDRUCK_STATUS_POLL_S: z.coerce.number().int().min(5).max(3600).default(STANDARD_POLICY.statusPollMs / 1000),
  ZENTRALDRUCK_STATUS_WARNUNG_MIN: z.coerce.number().int().positive().default(STANDARD_POLICY.statusWarnungMs / 60_000),
  ZENTRALDRUCK_MAX_SEITEN: z.coerce.number().int().positive().max(1000).default(STANDARD_POLICY.maxSeiten),
  ZENTRALDRUCK_MAX_BRIEFE_PRO_AUFTRAG: z.coerce.number().int().positive().max(10000).default(STANDARD_POLICY.maxBriefeProAuftrag),
  ZENTRALDRUCK_AUFGABE_FRIST_TAGE: z.coerce.number().int().min(0).max(60).default(STANDARD_POLICY.aufgabeFristTage),
  /** Prefix of the day batch workflow ids (`<praefix>-<day>`): engines sharing one namespace need their own. */
  ZENTRALDRUCK_BATCH_PRAEFIX: z.string().trim().regex(/^[a-z][a-z0-9-]{0,30}$/, 'Kleinbuchstaben, Ziffern und Bindestrich, höchstens 31 Zeichen').default(STANDARD_POLICY.batchPraefix),
  BRIEF_VORLAGEN_DIR: z.string().trim().optional().transform((v) => (v ? v : undefined)),
});

export interface DruckConfig {
  policy: ZentraldruckPolicy;
  vorlagenDir?: string;
}

export function loadDruckConfig(env: NodeJS.ProcessEnv = process.env): DruckConfig {
  const parsed = druckEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Ungültige Konfiguration des Zentraldrucks: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  return {
    vorlagenDir: e.BRIEF_VORLAGEN_DIR,
    policy: {
      ...STANDARD_POLICY,
      annahmeschluss: e.ZENTRALDRUCK_ANNAHMESCHLUSS,
      land: e.ZENTRALDRUCK_LAND,
      statusPollMs: e.ZENTRALDRUCK_STATUS_POLL_S * 1000,
      statusWarnungMs: e.ZENTRALDRUCK_STATUS_WARNUNG_MIN * 60_000,
      maxSeiten: e.ZENTRALDRUCK_MAX_SEITEN,
      maxBriefeProAuftrag: e.ZENTRALDRUCK_MAX_BRIEFE_PRO_AUFTRAG,
      aufgabeFristTage: e.ZENTRALDRUCK_AUFGABE_FRIST_TAGE,
      batchPraefix: e.ZENTRALDRUCK_BATCH_PRAEFIX,
    },
  };
}
