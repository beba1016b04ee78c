/**
 * Settings of the Online-Terminvergabe from the environment (defaults in brackets):
 * TERMIN_RESERVIERUNG_MIN (10) reservation time · TERMIN_ERINNERUNG_STUNDEN (48) reminder before ·
 * TERMIN_NICHT_ERSCHIENEN_MIN (120) after the start without check-in = missed ·
 * TERMIN_POW_BITS (14) proof-of-work of the last step · TERMIN_BEDENKZEIT_S (8) without JavaScript:
 * earliest confirmation after the reservation · TERMIN_RATE_FENSTER_S (600) window of the rate
 * limits, per client: TERMIN_RATE_SEITEN (300) requests, TERMIN_RATE_RESERVIERUNGEN (10)
 * reservations, TERMIN_RATE_FEHLVERSUCHE (20) wrong links.
 */
import { z } from 'zod';
import type { TerminPolicy } from '../../domain/termine-vorgang';

const n = (d: number) => z.coerce.number().int().min(0).default(d);

const schema = z.object({
  TERMIN_RESERVIERUNG_MIN: z.coerce.number().positive().default(10),
  TERMIN_ERINNERUNG_STUNDEN: z.coerce.number().min(0).default(48),
  TERMIN_NICHT_ERSCHIENEN_MIN: z.coerce.number().positive().default(120),
  TERMIN_EINCHECKEN_VORHER_MIN: z.coerce.number().min(0).default(180),
  TERMIN_NICHT_ERSCHIENEN_VORHER_MIN: z.coerce.number().min(0).default(0),
  TERMIN_POW_BITS: n(14).pipe(z.number().max(24)),
  TERMIN_BEDENKZEIT_S: n(8),
  TERMIN_RATE_FENSTER_S: n(600).pipe(z.number().min(1)),
  TERMIN_RATE_SEITEN: n(300),
  TERMIN_RATE_RESERVIERUNGEN: n(10),
  TERMIN_RATE_FEHLVERSUCHE: n(20),
});

export interface TerminConfig {
  policy: Partial<TerminPolicy>;
  powBits: number;
  bedenkzeitMs: number;
  rate: { fensterS: number; seiten: number; reservierungen: number; fehlversuche: number };
}

export function loadTerminConfig(env: NodeJS.ProcessEnv = process.env): TerminConfig {
  const e = schema.parse(env);
  return {
    policy: {
      reservierungMs: Math.round(e.TERMIN_RESERVIERUNG_MIN * 60_000),
      erinnerungVorherMs: Math.round(e.TERMIN_ERINNERUNG_STUNDEN * 3_600_000),
      nichtErschienenNachMs: Math.round(e.TERMIN_NICHT_ERSCHIENEN_MIN * 60_000),
      eincheckenVorherMs: Math.round(e.TERMIN_EINCHECKEN_VORHER_MIN * 60_000),
      nichtErschienenVorherMs: Math.round(e.TERMIN_NICHT_ERSCHIENEN_VORHER_MIN * 60_000),
    },
    powBits: e.TERMIN_POW_BITS,
    bedenkzeitMs: e.TERMIN_BEDENKZEIT_S * 1000,
    rate: { fensterS: e.TERMIN_RATE_FENSTER_S, seiten: e.TERMIN_RATE_SEITEN, reservierungen: e.TERMIN_RATE_RESERVIERUNGEN, fehlversuche: e.TERMIN_RATE_FEHLVERSUCHE },
  };
}
