/**
 * Settings of document recognition, from the environment:
 * - ERKENNUNG_SCHWELLE: confidence from which a recognised type is accepted without a person
 *   (default chosen by `npm run bench -- recognition` on a validation split so that at most 1 %
 *   of the documents filed straight through have a wrong type).
 * - ERKENNUNG_REGELN: path of the rules file (default config/erkennung/regeln.json).
 */
import { z } from 'zod';
import { regelnPfad } from './regeln';

/** Threshold measured by bench/recognition.ts (validation split, ≤ 1 % error among auto-filed). */
export const STANDARD_SCHWELLE = 0.58;

export interface ErkennungsKonfig {
  schwelle: number;
  regelnPfad: string;
}

export function erkennungsKonfigAusEnv(env: NodeJS.ProcessEnv = process.env): ErkennungsKonfig {
  const r = z.coerce.number().min(0).max(1).safeParse(env.ERKENNUNG_SCHWELLE ?? STANDARD_SCHWELLE);
  if (!r.success) throw new Error(`ERKENNUNG_SCHWELLE muss eine Zahl zwischen 0 und 1 sein (ist „${env.ERKENNUNG_SCHWELLE}“)`);
  return { schwelle: r.data, regelnPfad: regelnPfad(env) };
}
