/**
 * Storage of recognition models: the shipped default (config/erkennung/standardmodell.json),
 * trained models under <dataDir>/erkennung/modelle/<version>.json and the pointer to the active
 * one (aktiv.json); corrections by people (<dataDir>/erkennung/korrekturen.jsonl) and retraining
 * on the shipped corpus + corrections, activated only when not worse on a holdout.
 *
 * The corrections file holds letter texts (Sozialdaten): it stays in the engine's data dir,
 * like the readings of incoming files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EINGANGSARTEN, type Eingangsart } from '../../domain/posteingang';
import { bewerte, Klassifikator, MODELL_FORMAT, teile, trainiereModell, trainiereModellAsync, type Beispiel, type Metriken, type ModellDaten } from './klassifikation';
import { ladeRegeln, projektWurzel, regelnPfad, type Regelwerk } from './regeln';

export const TRAININGS_SEED = 4711;
/** Letters per type generated for training the shipped model and for retraining. */
export const TRAININGS_PRO_ART = 250;

export function standardmodellPfad(): string {
  return path.join(projektWurzel(), 'config', 'erkennung', 'standardmodell.json');
}
export function modellVerzeichnis(dataDir: string): string {
  return path.join(dataDir, 'erkennung', 'modelle');
}
export function korrekturenPfad(dataDir: string): string {
  return path.join(dataDir, 'erkennung', 'korrekturen.jsonl');
}
function aktivPfad(dataDir: string): string {
  return path.join(modellVerzeichnis(dataDir), 'aktiv.json');
}

const modellSchema = z
  .object({
    format: z.literal(MODELL_FORMAT),
    version: z.string().regex(/^m-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/),
    klassen: z.array(z.enum(EINGANGSARTEN)),
    vokabular: z.array(z.string()),
    idf: z.array(z.number()),
    gewichte: z.array(z.number()),
    bias: z.array(z.number()),
    temperatur: z.number().positive(),
    regelnHash: z.string(),
  })
  .passthrough();

export function ladeModellDatei(pfad: string): ModellDaten {
  let daten: unknown;
  try {
    daten = JSON.parse(fs.readFileSync(pfad, 'utf8'));
  } catch (err) {
    throw new Error(`Erkennungsmodell ${pfad} nicht lesbar: ${(err as Error).message}`, { cause: err });
  }
  const r = modellSchema.safeParse(daten);
  if (!r.success) throw new Error(`Erkennungsmodell ${pfad} ist ungültig: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data as unknown as ModellDaten;
}

function schreibeAtomar(pfad: string, inhalt: string): void {
  fs.mkdirSync(path.dirname(pfad), { recursive: true });
  const tmp = `${pfad}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, inhalt);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, pfad);
}

/** Writes a model as <version>.json (idempotent) and returns its path. */
export function speichereModell(dataDir: string, modell: ModellDaten): string {
  const pfad = path.join(modellVerzeichnis(dataDir), `${modell.version}.json`);
  schreibeAtomar(pfad, JSON.stringify(modell));
  return pfad;
}

export interface AktivZeiger {
  version: string;
  datei: string;
  aktiviert: string;
}

export function aktiviereModell(dataDir: string, version: string, wann = new Date()): AktivZeiger {
  const datei = `${version}.json`;
  if (!fs.existsSync(path.join(modellVerzeichnis(dataDir), datei))) throw new Error(`Modell ${version} liegt nicht in ${modellVerzeichnis(dataDir)}`);
  const zeiger: AktivZeiger = { version, datei, aktiviert: wann.toISOString() };
  schreibeAtomar(aktivPfad(dataDir), JSON.stringify(zeiger, null, 2) + '\n');
  return zeiger;
}

/** Path of the active model: the aktiv.json pointer when present, else the shipped default. */
export function aktivesModellPfad(dataDir?: string): string {
  if (dataDir) {
    const p = aktivPfad(dataDir);
    if (fs.existsSync(p)) {
      const zeiger = JSON.parse(fs.readFileSync(p, 'utf8')) as AktivZeiger;
      return path.join(modellVerzeichnis(dataDir), path.basename(zeiger.datei));
    }
  }
  return standardmodellPfad();
}

export interface LadeOptionen {
  dataDir?: string;
  /** Rules file; default ERKENNUNG_REGELN or the shipped rules. */
  regeln?: string | Regelwerk;
}

/** The classifier with the active model and the rules in force. */
export async function ladeKlassifikator(opts: LadeOptionen = {}): Promise<Klassifikator> {
  const regelwerk = typeof opts.regeln === 'object' ? opts.regeln : ladeRegeln(opts.regeln ?? regelnPfad());
  return new Klassifikator(ladeModellDatei(aktivesModellPfad(opts.dataDir)), regelwerk);
}

const cache = new Map<string, { schluessel: string; k: Klassifikator }>();

/**
 * Cached classifier for long-running workers: reloaded when the active pointer or the rules
 * file changes (a retraining activated a new model, or the admin edited the rules).
 */
export async function holeKlassifikator(dataDir: string): Promise<Klassifikator> {
  const rp = regelnPfad();
  const ap = aktivPfad(dataDir);
  const zeiger = fs.existsSync(ap) ? fs.readFileSync(ap, 'utf8') : '';
  const regeln = fs.existsSync(rp) ? `${fs.statSync(rp).mtimeMs}:${fs.statSync(rp).size}` : '';
  const schluessel = `${zeiger}|${rp}|${regeln}`;
  const c = cache.get(dataDir);
  if (c && c.schluessel === schluessel) return c.k;
  const k = await ladeKlassifikator({ dataDir, regeln: rp });
  cache.set(dataDir, { schluessel, k });
  return k;
}

export interface Korrektur {
  text: string;
  /** The type a person decided. */
  dokumentart: Eingangsart;
  /** The type the engine had recognised. */
  erkannt: Eingangsart;
  modellVersion: string;
  /** ISO instant. */
  wann: string;
}

const korrekturSchema = z.object({
  text: z.string(),
  dokumentart: z.enum(EINGANGSARTEN),
  erkannt: z.enum(EINGANGSARTEN),
  modellVersion: z.string(),
  wann: z.string(),
});

/** Appends a correction (one JSON line) and syncs it to disk before returning. */
export function speichereKorrektur(dataDir: string, k: Korrektur): void {
  const zeile = JSON.stringify(korrekturSchema.parse(k)) + '\n';
  const pfad = korrekturenPfad(dataDir);
  fs.mkdirSync(path.dirname(pfad), { recursive: true });
  const fd = fs.openSync(pfad, 'a');
  try {
    fs.writeSync(fd, zeile);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Corrections on file; a later correction of the same text replaces an earlier one. Broken lines are skipped. */
export function ladeKorrekturen(dataDir: string): Korrektur[] {
  const pfad = korrekturenPfad(dataDir);
  if (!fs.existsSync(pfad)) return [];
  const proText = new Map<string, Korrektur>();
  for (const zeile of fs.readFileSync(pfad, 'utf8').split('\n')) {
    if (!zeile.trim()) continue;
    try {
      const k = korrekturSchema.parse(JSON.parse(zeile));
      proText.delete(k.text);
      proText.set(k.text, k);
    } catch {
      // a torn last line after a crash: ignore
    }
  }
  return [...proText.values()];
}

/** The corpus split shared by the shipped model and every retraining: [training, holdout]. */
export function teileKorpus(korpus: Beispiel[], seed: number): [Beispiel[], Beispiel[]] {
  return teile(korpus, 0.2, seed + 1);
}

/** Trains on the training part of the corpus plus corrections (the shipped model: no corrections). */
export function trainiereAusKorpus(korpus: Beispiel[], korrekturen: Beispiel[], opts: { regelwerk: Regelwerk; seed: number; datum?: string; rauschKopien?: number; epochen?: number }): ModellDaten {
  const [train] = teileKorpus(korpus, opts.seed);
  return trainiereModell([...train, ...korrekturen], { ...opts, korrekturen: korrekturen.length });
}

export interface TrainiereNeuOptionen {
  dataDir: string;
  /** Examples of the shipped corpus; default: generated with TRAININGS_SEED. */
  korpus?: Beispiel[];
  seed?: number;
  datum?: string;
  /** Weight of a correction relative to a generated letter. */
  korrekturGewicht?: number;
  /** Called after every training epoch (e.g. to heartbeat); training yields to the event loop in between. */
  fortschritt?: (epoche: number, epochen: number) => void;
  /** Training epochs (default of trainiereModell). */
  epochen?: number;
}

export interface TrainiereNeuErgebnis {
  version: string;
  metriken: { neu: Metriken; alt: Metriken & { version: string }; holdout: number; korrekturen: number };
  aktiviert: boolean;
}

/**
 * Trains a new model on the shipped corpus + the corrections, evaluates it and the active model
 * on the same holdout (a fifth of the corpus and a fifth of the corrections), stores it, and
 * activates it only if its accuracy on the holdout is not lower than the active model's.
 */
export async function trainiereNeu(opts: TrainiereNeuOptionen): Promise<TrainiereNeuErgebnis> {
  const seed = opts.seed ?? TRAININGS_SEED;
  // Loaded on demand: the generator (faker) is only needed when training.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const korpus = opts.korpus ?? (require('./modell-korpus') as typeof import('./modell-korpus')).trainingsKorpus(seed, TRAININGS_PRO_ART);
  const korrekturen = ladeKorrekturen(opts.dataDir);
  const [, korpusHoldout] = teileKorpus(korpus, seed);
  const korrTrain: Beispiel[] = [];
  const korrHoldout: Beispiel[] = [];
  korrekturen.forEach((k, i) => (i % 5 === 4 ? korrHoldout : korrTrain).push({ text: k.text, art: k.dokumentart, gewicht: opts.korrekturGewicht ?? 5 }));
  const regelwerk = ladeRegeln(regelnPfad());
  const [korpusTrain] = teileKorpus(korpus, seed);
  const modell = await trainiereModellAsync([...korpusTrain, ...korrTrain], { regelwerk, seed, datum: opts.datum, korrekturen: korrTrain.length, epochen: opts.epochen }, opts.fortschritt);
  const holdout = [...korpusHoldout, ...korrHoldout];
  const auswerten = (k: Klassifikator) =>
    bewerte(
      holdout.map((b) => {
        const { p } = k.wahrscheinlichkeiten(b.text);
        const i = p.indexOf(Math.max(...p));
        return { wahr: b.art, erkannt: k.modell.klassen[i]!, confidence: p[i]! };
      }),
    );
  const neu = auswerten(new Klassifikator(modell, regelwerk));
  const altK = new Klassifikator(ladeModellDatei(aktivesModellPfad(opts.dataDir)), regelwerk);
  const alt = { ...auswerten(altK), version: altK.modell.version };
  speichereModell(opts.dataDir, modell);
  const aktiviert = neu.accuracy >= alt.accuracy && modell.version !== alt.version;
  if (aktiviert) aktiviereModell(opts.dataDir, modell.version);
  return { version: modell.version, metriken: { neu, alt, holdout: holdout.length, korrekturen: korrekturen.length }, aktiviert };
}
