/**
 * Document type recognition: configured rules + a statistical classifier, combined and calibrated.
 *
 * Why our own model: no kept, installed library fits (no ML package is installed; a port of
 * scikit-learn or a neural network would be large and opaque). A multinomial logistic
 * regression over tf-idf weighted words, word pairs and character 5-grams is small
 * (a few hundred kB as JSON), dependency-free, trains in seconds on the corpus, is
 * serialisable and versionable as plain data, and explainable: every score is a sum of
 * per-term weights that can be listed ("which words made this a WIDERSPRUCH").
 *
 * Rules a site configures add their weight to a type's log-odds. The sum is calibrated by
 * temperature scaling (Guo et al. 2017), fitted on a held-out split, so that `confidence` is a
 * probability: of the documents recognised with confidence 0.9, about 90 % are right.
 * Temperature scaling is monotone: it never changes which type wins or the order of confidences.
 */
import { createHash } from 'node:crypto';
import { mulberry32 } from '../../domain/zufall';
import { EINGANGSARTEN, type Eingangsart, type Erkennung } from '../../domain/posteingang';
import { findeMerkmale } from './merkmale';
import { normalisiere, terme, verrausche } from './klassifikation-text';
import { wendeRegelnAn, type Regelwerk } from './regeln';

export const MODELL_FORMAT = 'aktenlauf-erkennung/1';

export interface Beispiel {
  text: string;
  art: Eingangsart;
  /** Sample weight (corrections by people count more than generated letters). */
  gewicht?: number;
}

export interface KlassenMetrik {
  precision: number;
  recall: number;
  f1: number;
  n: number;
}

export interface Metriken {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Expected calibration error (15 equal-width bins over confidence). */
  ece: number;
  proKlasse: Partial<Record<Eingangsart, KlassenMetrik>>;
}

export interface ModellDaten {
  format: typeof MODELL_FORMAT;
  /** m-YYYY-MM-DD-<hash8 of the model's content>. */
  version: string;
  erstellt: string;
  klassen: Eingangsart[];
  vokabular: string[];
  idf: number[];
  /** Weights, row per term: gewichte[t * klassen.length + k]. */
  gewichte: number[];
  bias: number[];
  temperatur: number;
  /** sha256 of the rules the calibration was fitted with. */
  regelnHash: string;
  training: { groesse: number; korrekturen: number; kalibrierung: number; seed: number };
  /** Metrics on the calibration split (held out from the weights). */
  metriken: Metriken;
}

export interface TrainingsOptionen {
  regelwerk: Regelwerk;
  seed: number;
  /** Share held out for calibration (and the metrics in the model file). */
  kalibrierAnteil?: number;
  maxMerkmale?: number;
  epochen?: number;
  /** YYYY-MM-DD of the version id; default today (UTC). */
  datum?: string;
  korrekturen?: number;
  /** L2 regularisation strength. */
  l2?: number;
  /** Noisy copies (simulated OCR) of each training example (default 2). */
  rauschKopien?: number;
}

interface Vektor {
  idx: Int32Array;
  val: Float64Array;
}

function vektorisiere(ts: string[], index: Map<string, number>, idf: ArrayLike<number>): Vektor {
  const tf = new Map<number, number>();
  for (const t of ts) {
    const i = index.get(t);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  const idx = new Int32Array(tf.size);
  const val = new Float64Array(tf.size);
  let j = 0;
  let norm = 0;
  for (const [i, n] of [...tf.entries()].sort((a, b) => a[0] - b[0])) {
    idx[j] = i;
    const v = (1 + Math.log(n)) * idf[i]!;
    val[j] = v;
    norm += v * v;
    j++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < val.length; k++) val[k]! /= norm;
  return { idx, val };
}

/** 32-bit FNV-1a hash of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function softmax(z: number[], t = 1): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp((v - m) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * Split by a hash of the text: the given share (about) goes to the second part. Each example's
 * side depends only on the seed and its own text — adding examples (corrections) moves no other
 * example, and copies of one text never end up on both sides. Deterministic for a seed.
 */
export function teile<T extends { text: string }>(xs: T[], anteil: number, seed: number): [T[], T[]] {
  const a: T[] = [];
  const b: T[] = [];
  for (const x of xs) {
    const h = mulberry32((fnv1a(x.text) ^ Math.imul(seed, 0x85ebca6b)) >>> 0)();
    (h < anteil ? b : a).push(x);
  }
  return [a, b];
}

/** Raw scores (log-odds before calibration) of the statistical model for one text. */
function modellLogits(m: { gewichte: ArrayLike<number>; bias: ArrayLike<number>; k: number }, x: Vektor): number[] {
  const z = Array.from(m.bias);
  for (let j = 0; j < x.idx.length; j++) {
    const basis = x.idx[j]! * m.k;
    const v = x.val[j]!;
    for (let k = 0; k < m.k; k++) z[k]! += m.gewichte[basis + k]! * v;
  }
  return z;
}

function regelLogits(regelwerk: Regelwerk, klassen: Eingangsart[], text: string, normalisiert: string): { z: number[]; treffer: string[] } {
  const { treffer, bonus } = wendeRegelnAn(regelwerk, text, normalisiert);
  return { z: klassen.map((k) => bonus[k] ?? 0), treffer };
}

/** Temperature minimising the negative log-likelihood on held-out logits (golden section over log T). */
export function passeTemperaturAn(logits: number[][], wahr: number[]): number {
  const nll = (t: number) => {
    let s = 0;
    logits.forEach((z, i) => {
      const p = softmax(z, t)[wahr[i]!]!;
      s -= Math.log(Math.max(p, 1e-12));
    });
    return s;
  };
  if (logits.length === 0) return 1;
  let a = Math.log(0.05);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  for (let i = 0; i < 60; i++) {
    if (nll(Math.exp(c)) < nll(Math.exp(d))) b = d;
    else a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return Math.exp((a + b) / 2);
}

/** Expected calibration error over equal-width confidence bins. */
export function berechneEce(werte: { confidence: number; richtig: boolean }[], bins = 15): number {
  if (werte.length === 0) return 0;
  const summe = Array.from({ length: bins }, () => ({ n: 0, conf: 0, richtig: 0 }));
  for (const w of werte) {
    const b = summe[Math.min(bins - 1, Math.floor(w.confidence * bins))]!;
    b.n++;
    b.conf += w.confidence;
    b.richtig += w.richtig ? 1 : 0;
  }
  return summe.reduce((e, b) => (b.n ? e + (b.n / werte.length) * Math.abs(b.conf / b.n - b.richtig / b.n) : e), 0);
}

export function bewerte(ergebnisse: { wahr: Eingangsart; erkannt: Eingangsart; confidence: number }[]): Metriken {
  const proKlasse: Partial<Record<Eingangsart, KlassenMetrik>> = {};
  let f1Summe = 0;
  let klassen = 0;
  for (const art of EINGANGSARTEN) {
    const tp = ergebnisse.filter((e) => e.wahr === art && e.erkannt === art).length;
    const fp = ergebnisse.filter((e) => e.wahr !== art && e.erkannt === art).length;
    const n = ergebnisse.filter((e) => e.wahr === art).length;
    if (n === 0 && fp === 0) continue;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = n ? tp / n : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    proKlasse[art] = { precision, recall, f1, n };
    f1Summe += f1;
    klassen++;
  }
  const richtig = ergebnisse.filter((e) => e.wahr === e.erkannt).length;
  return {
    n: ergebnisse.length,
    accuracy: ergebnisse.length ? richtig / ergebnisse.length : 0,
    macroF1: klassen ? f1Summe / klassen : 0,
    ece: berechneEce(ergebnisse.map((e) => ({ confidence: e.confidence, richtig: e.wahr === e.erkannt }))),
    proKlasse,
  };
}

/**
 * Lowest confidence threshold at which the documents filed automatically (confidence ≥ threshold)
 * have an error rate ≤ `maxFehler`; with the share filed straight through at that threshold.
 */
export function waehleSchwelle(ergebnisse: { richtig: boolean; confidence: number }[], maxFehler = 0.01): { schwelle: number; stp: number; fehler: number } {
  const sortiert = [...ergebnisse].sort((a, b) => b.confidence - a.confidence);
  let best = { schwelle: 1, stp: 0, fehler: 0 };
  let falsch = 0;
  for (let i = 0; i < sortiert.length; i++) {
    if (!sortiert[i]!.richtig) falsch++;
    const n = i + 1;
    // only cut between distinct confidences
    if (i + 1 < sortiert.length && sortiert[i + 1]!.confidence === sortiert[i]!.confidence) continue;
    if (falsch / n <= maxFehler) best = { schwelle: sortiert[i]!.confidence, stp: n / sortiert.length, fehler: falsch / n };
  }
  return best;
}

/** Trains weights on part of the examples, calibrates on the rest; returns the model as plain data. */
export function trainiereModell(beispiele: Beispiel[], opts: TrainingsOptionen): ModellDaten {
  const schritte = trainingsSchritte(beispiele, opts);
  for (;;) {
    const r = schritte.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, yielding to the event loop after every epoch (a worker keeps heartbeating and
 * serving other activities while it trains); `fortschritt(epoche, epochen)` after each.
 */
export async function trainiereModellAsync(beispiele: Beispiel[], opts: TrainingsOptionen, fortschritt?: (epoche: number, epochen: number) => void): Promise<ModellDaten> {
  const schritte = trainingsSchritte(beispiele, opts);
  let epoche = 0;
  for (;;) {
    const r = schritte.next();
    if (r.done) return r.value;
    fortschritt?.(++epoche, opts.epochen ?? STANDARD_EPOCHEN);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const STANDARD_EPOCHEN = 120;

function* trainingsSchritte(beispiele: Beispiel[], opts: TrainingsOptionen): Generator<void, ModellDaten> {
  const klassen = [...EINGANGSARTEN];
  const K = klassen.length;
  const [sauber, kalibSauber] = teile(beispiele, opts.kalibrierAnteil ?? 0.2, opts.seed);
  // Augmentation: each example also as OCR would read it from a poor scan (with its own noise level),
  // for the weights and for calibration alike; the clean examples stay in both.
  // The noise of a copy depends only on the seed, the text and the copy number: a retraining that
  // adds corrections sees exactly the same noisy letters as before, so models differ by the corrections.
  const verrauscht = (kopie: number) => (b: Beispiel): Beispiel => {
    const rauschen = mulberry32((opts.seed ^ fnv1a(b.text) ^ Math.imul(kopie + 1, 0x9e3779b1)) >>> 0);
    return { ...b, text: verrausche(b.text, rauschen, 0.02 + rauschen() * 0.13) };
  };
  const train = [...sauber, ...Array.from({ length: opts.rauschKopien ?? 2 }, (_, i) => sauber.map(verrauscht(i))).flat()];
  const kalib = [...kalibSauber, ...kalibSauber.map(verrauscht(99))];
  const termeTrain = train.map((b) => terme(b.text));

  // Vocabulary: terms in ≥ 2 training documents, the most discriminative first
  // (document frequency × (1 − normalised entropy of the types they occur in)).
  const df = new Map<string, number[]>();
  termeTrain.forEach((ts, i) => {
    const k = klassen.indexOf(train[i]!.art);
    for (const t of new Set(ts)) {
      let c = df.get(t);
      if (!c) df.set(t, (c = new Array<number>(K).fill(0)));
      c[k]!++;
    }
  });
  const bewertet: [string, number, number][] = [];
  for (const [t, c] of df) {
    const n = c.reduce((a, b) => a + b, 0);
    if (n < 2) continue;
    let h = 0;
    for (const v of c) if (v) h -= (v / n) * Math.log(v / n);
    bewertet.push([t, n * (1 - h / Math.log(K)) + 0.05 * n, n]);
  }
  bewertet.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const auswahl = bewertet.slice(0, opts.maxMerkmale ?? 6000);
  const vokabular = auswahl.map((x) => x[0]);
  const index = new Map(vokabular.map((t, i) => [t, i]));
  const N = train.length;
  const idf = auswahl.map((x) => Math.log((1 + N) / (1 + x[2])) + 1);

  const X = termeTrain.map((ts) => vektorisiere(ts, index, idf));
  const y = train.map((b) => klassen.indexOf(b.art));
  // Balanced class weights × sample weights.
  const proKlasse = new Array<number>(K).fill(0);
  y.forEach((k) => proKlasse[k]!++);
  const sw = train.map((b, i) => (b.gewicht ?? 1) * (N / (K * Math.max(1, proKlasse[y[i]!]!))));
  const swSumme = sw.reduce((a, b) => a + b, 0) || 1;

  // Full-batch Adam on the L2-regularised softmax cross-entropy.
  const V = vokabular.length;
  const W = new Float64Array(V * K);
  const bias = new Float64Array(K);
  const mW = new Float64Array(V * K);
  const vW = new Float64Array(V * K);
  const mb = new Float64Array(K);
  const vb = new Float64Array(K);
  const gW = new Float64Array(V * K);
  const gb = new Float64Array(K);
  const lambda = opts.l2 ?? 1e-3;
  const lr = 0.05;
  const epochen = opts.epochen ?? STANDARD_EPOCHEN;
  for (let ep = 1; ep <= epochen; ep++) {
    gW.fill(0);
    gb.fill(0);
    for (let i = 0; i < X.length; i++) {
      const p = softmax(modellLogits({ gewichte: W, bias, k: K }, X[i]!));
      p[y[i]!]! -= 1;
      const s = sw[i]! / swSumme;
      const x = X[i]!;
      for (let j = 0; j < x.idx.length; j++) {
        const basis = x.idx[j]! * K;
        const v = x.val[j]! * s;
        for (let k = 0; k < K; k++) gW[basis + k]! += p[k]! * v;
      }
      for (let k = 0; k < K; k++) gb[k]! += p[k]! * s;
    }
    const b1 = 0.9;
    const b2 = 0.999;
    const korr1 = 1 - Math.pow(b1, ep);
    const korr2 = 1 - Math.pow(b2, ep);
    for (let q = 0; q < W.length; q++) {
      const g = gW[q]! + lambda * W[q]!;
      mW[q] = b1 * mW[q]! + (1 - b1) * g;
      vW[q] = b2 * vW[q]! + (1 - b2) * g * g;
      W[q]! -= (lr * (mW[q]! / korr1)) / (Math.sqrt(vW[q]! / korr2) + 1e-8);
    }
    for (let k = 0; k < K; k++) {
      const g = gb[k]!;
      mb[k] = b1 * mb[k]! + (1 - b1) * g;
      vb[k] = b2 * vb[k]! + (1 - b2) * g * g;
      bias[k]! -= (lr * (mb[k]! / korr1)) / (Math.sqrt(vb[k]! / korr2) + 1e-8);
    }
    yield;
  }
  const gewichte = Array.from(W, (w) => (Math.abs(w) < 0.005 ? 0 : Math.round(w * 1e3) / 1e3));
  const biasListe = Array.from(bias, (b) => Math.round(b * 1e4) / 1e4);
  const idfListe = idf.map((v) => Math.round(v * 1e4) / 1e4);

  // Calibration on the held-out split, with the rules as they will be applied.
  const roh = { gewichte, bias: biasListe, k: K };
  const logits = kalib.map((b) => {
    const norm = normalisiere(b.text);
    const z = modellLogits(roh, vektorisiere(terme(b.text), index, idfListe));
    const r = regelLogits(opts.regelwerk, klassen, b.text, norm).z;
    return z.map((v, k) => v + r[k]!);
  });
  const wahr = kalib.map((b) => klassen.indexOf(b.art));
  const temperatur = Math.round(passeTemperaturAn(logits, wahr) * 1e4) / 1e4;
  const metriken = bewerte(
    logits.map((z, i) => {
      const p = softmax(z, temperatur);
      const k = p.indexOf(Math.max(...p));
      return { wahr: klassen[wahr[i]!]!, erkannt: klassen[k]!, confidence: p[k]! };
    }),
  );

  const inhalt = { klassen, vokabular, idf: idfListe, gewichte, bias: biasListe, temperatur, regelnHash: opts.regelwerk.hash };
  const hash8 = createHash('sha256').update(JSON.stringify(inhalt)).digest('hex').slice(0, 8);
  const datum = opts.datum ?? new Date().toISOString().slice(0, 10);
  return {
    format: MODELL_FORMAT,
    version: `m-${datum}-${hash8}`,
    erstellt: new Date().toISOString(),
    ...inhalt,
    training: { groesse: sauber.length, korrekturen: opts.korrekturen ?? 0, kalibrierung: kalibSauber.length, seed: opts.seed },
    metriken,
  };
}

export interface Erklaerung {
  dokumentart: Eingangsart;
  /** Terms that pushed the text towards its type, strongest first. */
  terme: { term: string; beitrag: number }[];
  regeln: string[];
}

/** A trained model with the rules in force: recognises the type of a text with a calibrated confidence. */
export class Klassifikator {
  private readonly index: Map<string, number>;
  readonly modellVersion: string;

  constructor(
    readonly modell: ModellDaten,
    readonly regelwerk: Regelwerk,
  ) {
    if (modell.format !== MODELL_FORMAT) throw new Error(`Unbekanntes Modellformat ${String(modell.format)}`);
    if (modell.gewichte.length !== modell.vokabular.length * modell.klassen.length) throw new Error('Modelldatei beschädigt (Gewichte passen nicht zum Vokabular)');
    this.index = new Map(modell.vokabular.map((t, i) => [t, i]));
    // Rules other than those the model was calibrated with make a different decider: say so in the version.
    this.modellVersion = regelwerk.hash === modell.regelnHash ? modell.version : `${modell.version}+r${regelwerk.hash.slice(0, 8)}`;
  }

  /** Calibrated probability per type, and the rules that matched. */
  wahrscheinlichkeiten(text: string): { p: number[]; treffer: string[]; roh: number[] } {
    const m = this.modell;
    const x = vektorisiere(terme(text), this.index, m.idf);
    const z = modellLogits({ gewichte: m.gewichte, bias: m.bias, k: m.klassen.length }, x);
    const r = regelLogits(this.regelwerk, m.klassen, text, normalisiere(text));
    const roh = z.map((v, k) => v + r.z[k]!);
    return { p: softmax(roh, m.temperatur), treffer: r.treffer, roh };
  }

  erkenne(text: string, opts: { eingangsdatum?: string } = {}): Erkennung {
    const { p, treffer } = this.wahrscheinlichkeiten(text);
    const k = p.indexOf(Math.max(...p));
    const scores: Partial<Record<Eingangsart, number>> = {};
    this.modell.klassen.forEach((art, i) => {
      const v = Math.round(p[i]! * 1e6) / 1e6;
      if (v > 0) scores[art] = v;
    });
    return {
      dokumentart: this.modell.klassen[k]!,
      confidence: p[k]!,
      scores,
      merkmale: findeMerkmale(text, opts),
      modellVersion: this.modellVersion,
      regeln: treffer,
    };
  }

  /**
   * Which words made the text its type (for the Postkorb and for audits): the contributions of a
   * word's own features (the word and its character 5-grams) are summed up as "w:<word>";
   * word pairs are listed as "b:<a>_<b>".
   */
  erklaere(text: string, anzahl = 10): Erklaerung {
    const m = this.modell;
    const K = m.klassen.length;
    const { p, treffer } = this.wahrscheinlichkeiten(text);
    const k = p.indexOf(Math.max(...p));
    const ts = terme(text);
    const x = vektorisiere(ts, this.index, m.idf);
    const beitragVon = new Map<number, number>();
    for (let j = 0; j < x.idx.length; j++) beitragVon.set(x.idx[j]!, m.gewichte[x.idx[j]! * K + k]! * x.val[j]!);
    const summe = new Map<string, number>();
    const gezaehlt = new Set<number>();
    let wort = '';
    for (const t of ts) {
      if (t.startsWith('w:')) wort = t;
      const i = this.index.get(t);
      if (i === undefined || gezaehlt.has(i)) continue;
      gezaehlt.add(i);
      const ziel = t.startsWith('c:') ? wort : t;
      summe.set(ziel, (summe.get(ziel) ?? 0) + (beitragVon.get(i) ?? 0));
    }
    const beitraege = [...summe.entries()]
      .filter(([, b]) => b > 0)
      .map(([term, b]) => ({ term, beitrag: Math.round(b * 1000) / 1000 }))
      .sort((a, b) => b.beitrag - a.beitrag);
    return { dokumentart: m.klassen[k]!, terme: beitraege.slice(0, anzahl), regeln: treffer };
  }
}
