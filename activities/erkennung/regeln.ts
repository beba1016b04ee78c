/**
 * Rules a site configures for document recognition (like paperless-ngx's matching): per rule a
 * document type, a pattern, an algorithm (any / all / exact / regex) and a weight. A matching
 * rule adds its weight to the type's score (log-odds) before calibration; a negative weight
 * speaks against a type. Rules match the normalised text (lower case, umlauts folded) unless
 * `grossKlein` is set. File: config/erkennung/regeln.json, or the path in ERKENNUNG_REGELN.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EINGANGSARTEN, type Eingangsart } from '../../domain/posteingang';
import { normalisiere, woerter } from './klassifikation-text';

export const regelSchema = z
  .object({
    name: z.string().trim().min(1, 'Name fehlt').max(80),
    dokumentart: z.enum(EINGANGSARTEN, { message: `muss eine von ${EINGANGSARTEN.join(', ')} sein` }),
    algorithmus: z.enum(['any', 'all', 'exact', 'regex'], { message: 'muss any, all, exact oder regex sein' }),
    muster: z.string().min(1, 'Muster fehlt').max(500),
    gewicht: z.number().min(-10, 'Gewicht höchstens -10 … 10').max(10, 'Gewicht höchstens -10 … 10'),
    grossKlein: z.boolean().default(false),
    beschreibung: z.string().optional(),
  })
  .strict();
export type Regel = z.infer<typeof regelSchema>;

export const regelnDateiSchema = z
  .object({
    version: z.literal(1, { message: 'version muss 1 sein' }),
    regeln: z.array(regelSchema),
  })
  .strict()
  .superRefine((d, ctx) => {
    const namen = new Set<string>();
    d.regeln.forEach((r, i) => {
      if (namen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['regeln', i, 'name'], message: `Name „${r.name}“ doppelt` });
      namen.add(r.name);
      if (r.algorithmus === 'regex') {
        try {
          new RegExp(r.muster, r.grossKlein ? 'u' : 'iu');
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['regeln', i, 'muster'], message: `ungültiger regulärer Ausdruck: ${(err as Error).message}` });
        }
      }
    });
  });

export class RegelnFehler extends Error {
  override name = 'RegelnFehler';
}

export interface KompilierteRegel {
  name: string;
  dokumentart: Eingangsart;
  gewicht: number;
  passt(text: { roh: string; normalisiert: string; woerter: Set<string> }): boolean;
}

export interface Regelwerk {
  regeln: KompilierteRegel[];
  /** sha256 (hex) of the canonical rules: a model records which rules it was calibrated with. */
  hash: string;
  quelle: string;
}

function kompiliere(r: Regel): KompilierteRegel {
  const basis = { name: r.name, dokumentart: r.dokumentart, gewicht: r.gewicht };
  const norm = (s: string) => (r.grossKlein ? s.replace(/\s+/g, ' ').trim() : normalisiere(s));
  switch (r.algorithmus) {
    case 'any':
    case 'all': {
      const ws = r.grossKlein ? r.muster.split(/\s+/).filter(Boolean) : woerter(normalisiere(r.muster));
      const fn = r.algorithmus === 'any' ? 'some' : 'every';
      return {
        ...basis,
        passt: (t) => (r.grossKlein ? ws[fn]((w) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])`, 'u').test(t.roh)) : ws[fn]((w) => t.woerter.has(w))),
      };
    }
    case 'exact': {
      const m = norm(r.muster);
      return { ...basis, passt: (t) => (r.grossKlein ? t.roh.replace(/\s+/g, ' ') : t.normalisiert).includes(m) };
    }
    case 'regex': {
      // The normalised text has umlauts folded: fold them in the pattern too (other characters stay as written).
      const muster = r.grossKlein ? r.muster : r.muster.replace(/[äÄ]/g, 'ae').replace(/[öÖ]/g, 'oe').replace(/[üÜ]/g, 'ue').replace(/ß/g, 'ss');
      const re = new RegExp(muster, r.grossKlein ? 'u' : 'iu');
      return { ...basis, passt: (t) => re.test(r.grossKlein ? t.roh : t.normalisiert) };
    }
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Validates rules (object from JSON) and compiles them; RegelnFehler with every problem in German. */
export function pruefeRegeln(daten: unknown, quelle = 'Regeln'): Regelwerk {
  const r = regelnDateiSchema.safeParse(daten);
  if (!r.success) {
    const probleme = r.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(Datei)'}: ${i.message}`);
    throw new RegelnFehler(`Erkennungsregeln in ${quelle} sind ungültig:\n${probleme.join('\n')}`);
  }
  const kanonisch = JSON.stringify(r.data.regeln.map((x) => [x.name, x.dokumentart, x.algorithmus, x.muster, x.gewicht, x.grossKlein]));
  return { regeln: r.data.regeln.map(kompiliere), hash: createHash('sha256').update(kanonisch).digest('hex'), quelle };
}

/** The repository root (where config/erkennung lives), from source (ts) or build (dist). */
export function projektWurzel(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'config', 'erkennung', 'regeln.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('config/erkennung nicht gefunden (Installation unvollständig)');
}

/** Path of the rules file: ERKENNUNG_REGELN, else the shipped config/erkennung/regeln.json. */
export function regelnPfad(env: NodeJS.ProcessEnv = process.env): string {
  return env.ERKENNUNG_REGELN ? path.resolve(env.ERKENNUNG_REGELN) : path.join(projektWurzel(), 'config', 'erkennung', 'regeln.json');
}

export function ladeRegeln(pfad = regelnPfad()): Regelwerk {
  let text: string;
  try {
    text = fs.readFileSync(pfad, 'utf8');
  } catch (err) {
    throw new RegelnFehler(`Erkennungsregeln ${pfad} nicht lesbar: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let daten: unknown;
  try {
    daten = JSON.parse(text);
  } catch (err) {
    throw new RegelnFehler(`Erkennungsregeln ${pfad} sind kein gültiges JSON: ${(err as Error).message}`, { cause: err });
  }
  return pruefeRegeln(daten, pfad);
}

/** Names and score additions (log-odds per type) of the rules that match a text. */
export function wendeRegelnAn(regelwerk: Regelwerk, text: string, normalisiert = normalisiere(text)): { treffer: string[]; bonus: Partial<Record<Eingangsart, number>> } {
  const t = { roh: text, normalisiert, woerter: new Set(woerter(normalisiert)) };
  const treffer: string[] = [];
  const bonus: Partial<Record<Eingangsart, number>> = {};
  for (const r of regelwerk.regeln) {
    if (!r.passt(t)) continue;
    treffer.push(r.name);
    bonus[r.dokumentart] = (bonus[r.dokumentart] ?? 0) + r.gewicht;
  }
  return { treffer, bonus };
}
