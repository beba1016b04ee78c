/**
 * The site's Posteingang settings from environment variables, validated once when the worker starts
 * (an invalid value stops the start with a message naming the variable, instead of silently running
 * with another Bundesland's holidays or another deadline).
 */
import { z } from 'zod';
import { BUNDESLAENDER, type Bundesland } from '../../domain/fristen';
import type { PosteingangPolicy } from '../../domain/posteingang';

const leerIstUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const ganzzahl = (min: number, max: number, standard: number) => z.preprocess(leerIstUnset, z.coerce.number().int().min(min).max(max).default(standard));

export const posteingangEnvSchema = z.object({
  ERKENNUNG_SCHWELLE: z.preprocess(leerIstUnset, z.coerce.number().gt(0).max(1).optional()),
  POSTKORB_PRUEF_FRIST_ARBEITSTAGE: ganzzahl(1, 30, 1),
  /** Holidays of this Bundesland count for the Posteingang's working-day deadlines (the demo Landkreis lies in Niedersachsen). */
  POSTEINGANG_LAND: z.preprocess(leerIstUnset, z.enum(BUNDESLAENDER as [Bundesland, ...Bundesland[]]).default('NI')),
  POSTEINGANG_WIEDERVORLAGE_ARBEITSTAGE: ganzzahl(0, 60, 3),
  POSTEINGANG_WIDERSPRUCH_ARBEITSTAGE: ganzzahl(0, 60, 1),
  POSTKORB_ESKALATION_FRIST_TAGE: ganzzahl(0, 60, 1),
  POSTKORB_LEITUNG_TEAM: z.preprocess(leerIstUnset, z.string().trim().max(40).optional()),
});

/** The validated settings; throws naming every wrong variable (called once at worker start, too). */
export function pruefePosteingangEnv(env: NodeJS.ProcessEnv): z.infer<typeof posteingangEnvSchema> {
  const p = posteingangEnvSchema.safeParse(env);
  if (!p.success) {
    throw new Error(`Ungültige Konfiguration des Posteingangs: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return p.data;
}

export function loadPosteingangPolicy(env: NodeJS.ProcessEnv, standardSchwelle: number): PosteingangPolicy {
  const e = pruefePosteingangEnv(env);
  return {
    schwelle: e.ERKENNUNG_SCHWELLE ?? standardSchwelle,
    pruefFristArbeitstage: e.POSTKORB_PRUEF_FRIST_ARBEITSTAGE,
    land: e.POSTEINGANG_LAND,
    wiedervorlageArbeitstage: e.POSTEINGANG_WIEDERVORLAGE_ARBEITSTAGE,
    widerspruchStandardArbeitstage: e.POSTEINGANG_WIDERSPRUCH_ARBEITSTAGE,
    eskalationFristTage: e.POSTKORB_ESKALATION_FRIST_TAGE,
    ...(e.POSTKORB_LEITUNG_TEAM ? { eskalationTeamId: e.POSTKORB_LEITUNG_TEAM } : {}),
  };
}
