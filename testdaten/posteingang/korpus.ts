/**
 * A seeded corpus of incoming post: born-digital PDFs, scans, faxes, phone photos and scan
 * batches (several documents in one file, split by Patch T sheets, barcode sheets, blank
 * pages or first-page barcodes), each with its truth (documents, their pages and types).
 *
 * Same seed and options → same files, byte for byte.
 */
import { EINGANGSARTEN, type Eingangsart } from '../../domain/posteingang';
import { mulberry32 } from '../../domain/zufall';
import { alsPdf, kodiereSeiten, planAlsSeitenbilder, type ScanFormat, type ScanStil } from './render';
import { briefHash, setze, type SeitenPlan } from './satz';
import { erzeugeBrief, type Brief, type BriefOptionen, type BriefWahrheit, type HaushaltVorgabe } from './texte';
import { barcodeTrennblatt, ersteSeiteMitBarcode, leerseite, mitEingangsstempel, patchT, type BarcodeArt } from './trenner';
import { Wuerfel, plusTage, werktag } from './werkzeug';

export type Trenner = 'patch-t' | 'barcode' | 'leer' | 'keiner' | 'barcode-erste-seite';

export interface DokumentWahrheit {
  art: Eingangsart;
  /** 1-based page numbers of this document in the file. */
  seiten: number[];
  bgNummer?: string;
  /** Content of the barcode on the first page, if stamped (`BG:…` or `DOK:…`). */
  barcode?: string;
  /** The letter's full truth (identifiers, dates, sender, template). */
  brief: BriefWahrheit;
  /** Date of the received stamp on its first page (YYYY-MM-DD), if stamped. */
  eingangsstempel?: string;
}

export interface DateiWahrheit {
  quelle: 'born-digital' | ScanStil | 'stapel';
  dokumente: DokumentWahrheit[];
  /** 1-based pages that are separator sheets (Patch T, barcode sheet, blank page): part of no document. */
  trennseiten: number[];
  trenner?: Trenner;
  /** Degrees each page image is turned (scans only; index = page − 1). */
  rotationen?: number[];
  dpi?: number;
}

export interface KorpusDatei {
  name: string;
  inhalt: Buffer;
  mediaType: string;
  wahrheit: DateiWahrheit;
}

export interface StapelOptionen {
  trenner: Trenner;
  format: 'pdf' | 'tiff';
  stil?: 'scan' | 'fax';
  dpi?: 200 | 300;
  /** Also stamp a barcode on every document's first page: its BG-Nummer ('bg', falls back to the type) or its type ('dok'). */
  ersteSeiteBarcode?: 'bg' | 'dok';
  barcodeArt?: BarcodeArt;
  /** Text of the Code 128 separator sheet. */
  trennText?: string;
  /** Chance that a page lies upside down (180°) in the batch. Default 0. */
  kopfueber?: number;
  /** Chance that a document's first page carries the mail room's received stamp (a few days after its date). Default 0. */
  eingangsstempel?: number;
  seed?: number;
}

export interface StapelErgebnis {
  inhalt: Buffer;
  mediaType: string;
  wahrheit: DateiWahrheit;
}

/** The day a letter reached the Jobcenter: 1–6 days after its date (a working day). */
function eingangNach(w: Wuerfel, b: Brief): string {
  return werktag(plusTage(b.wahrheit.briefdatum ?? '2026-10-15', w.zahl(1, 6)));
}

function barcodeInhalt(b: Brief, modus: 'bg' | 'dok'): string {
  return modus === 'bg' && b.wahrheit.bgNummer ? `BG:${b.wahrheit.bgNummer}` : `DOK:${b.art}`;
}

/** Several letters scanned as one batch, with separators between them. */
export async function alsStapel(briefe: Brief[], opts: StapelOptionen): Promise<StapelErgebnis> {
  const seed = (briefe.reduce((h, b) => Math.imul(h ^ briefHash(b), 0x01000193), 0x811c9dc5) ^ (opts.seed ?? 0)) >>> 0;
  const w = new Wuerfel(mulberry32(seed));
  const stil = opts.stil ?? 'scan';
  const dpi = stil === 'fax' ? 200 : (opts.dpi ?? 300);
  const barcodeModus = opts.trenner === 'barcode-erste-seite' ? (opts.ersteSeiteBarcode ?? 'bg') : opts.ersteSeiteBarcode;
  const plaene: SeitenPlan[] = [];
  const dokumente: DokumentWahrheit[] = [];
  const trennseiten: number[] = [];
  const trennblatt = opts.trenner === 'barcode' ? await barcodeTrennblatt(opts.trennText) : undefined;
  for (let i = 0; i < briefe.length; i++) {
    const b = briefe[i]!;
    if (i > 0 && (opts.trenner === 'patch-t' || opts.trenner === 'barcode' || opts.trenner === 'leer')) {
      plaene.push(opts.trenner === 'patch-t' ? patchT() : opts.trenner === 'barcode' ? trennblatt! : leerseite());
      trennseiten.push(plaene.length);
    }
    const seiten = setze(b, opts.seed ?? 0);
    let stempel: string | undefined;
    if (w.ja(opts.eingangsstempel ?? 0)) {
      stempel = eingangNach(w, b);
      seiten[0] = mitEingangsstempel(seiten[0]!, stempel);
    }
    let barcode: string | undefined;
    if (barcodeModus) {
      barcode = barcodeInhalt(b, barcodeModus);
      seiten[0] = await ersteSeiteMitBarcode(seiten[0]!, barcode, opts.barcodeArt ?? 'Code128');
    }
    const erste = plaene.length + 1;
    plaene.push(...seiten);
    dokumente.push({
      art: b.art,
      seiten: seiten.map((_, k) => erste + k),
      ...(b.wahrheit.bgNummer ? { bgNummer: b.wahrheit.bgNummer } : {}),
      ...(barcode ? { barcode } : {}),
      ...(stempel ? { eingangsstempel: stempel } : {}),
      brief: b.wahrheit,
    });
  }
  const rotationen = plaene.map(() => (w.ja(opts.kopfueber ?? 0) ? 180 : 0));
  const bilder = await planAlsSeitenbilder(plaene, stil, dpi, seed, opts.format);
  const kodiert = await kodiereSeiten(bilder, opts.format, rotationen, seed);
  return {
    inhalt: kodiert.datei!,
    mediaType: kodiert.mediaType,
    wahrheit: { quelle: 'stapel', dokumente, trennseiten, trenner: opts.trenner, rotationen, dpi },
  };
}

// ---------------------------------------------------------------- corpus

export interface KorpusMix {
  bornDigital: number;
  scan: number;
  fax: number;
  foto: number;
  stapel: number;
}

export interface KorpusOptionen {
  seed: number;
  anzahl: number;
  /** Relative shares of the kinds of files. Default 35/30/10/10/15. */
  mix?: Partial<KorpusMix>;
  /** Write for these households (e.g. `haushalteAusLandkreis(seed, n)`): BG-Nummern the simulator knows. */
  haushalte?: HaushaltVorgabe[];
  /** Only these types (default: all, weighted by how often a Jobcenter receives them). */
  arten?: Eingangsart[];
  stichtag?: string;
  bgQuote?: number;
}

export const STANDARD_MIX: KorpusMix = { bornDigital: 35, scan: 30, fax: 10, foto: 10, stapel: 15 };

/** How often each type arrives (practice, rough): proofs and statements dominate. */
const HAEUFIGKEIT: Record<Eingangsart, number> = {
  HAUPTANTRAG: 5, WBA: 12, VAEM: 9, EINKOMMENSNACHWEIS: 14, KONTOAUSZUG: 12, MIETVERTRAG: 4, BETRIEBSKOSTENABRECHNUNG: 5,
  AU_BESCHEINIGUNG: 9, WIDERSPRUCH: 6, UEBERPRUEFUNGSANTRAG: 2, FREMDBESCHEID: 8, BEWERBUNGSNACHWEIS: 7, SONSTIGES: 7,
};

/** The files of a corpus, one at a time (memory stays flat for large corpora). */
export async function* korpusDateien(opts: KorpusOptionen): AsyncGenerator<KorpusDatei> {
  const rng = mulberry32(opts.seed);
  const w = new Wuerfel(mulberry32(opts.seed ^ 0x6b6f7270));
  const mix = { ...STANDARD_MIX, ...opts.mix };
  const arten = (opts.arten ?? [...EINGANGSARTEN]).map((a) => [a, opts.arten ? 1 : HAEUFIGKEIT[a]] as const);
  const brief = (): Brief => {
    const haushalt = opts.haushalte && opts.haushalte.length > 0 ? opts.haushalte[w.zahl(0, opts.haushalte.length - 1)] : undefined;
    const o: BriefOptionen = { stichtag: opts.stichtag, bgQuote: opts.bgQuote, ...(haushalt ? { haushalt } : {}) };
    return erzeugeBrief(rng, w.gewichtet(arten), o);
  };
  const nr = (i: number) => String(i + 1).padStart(4, '0');
  for (let i = 0; i < opts.anzahl; i++) {
    const art = w.gewichtet([['bornDigital', mix.bornDigital], ['scan', mix.scan], ['fax', mix.fax], ['foto', mix.foto], ['stapel', mix.stapel]] as const);
    const variante = w.zahl(0, 1_000_000);
    if (art === 'stapel') {
      const briefe = Array.from({ length: w.zahl(2, 5) }, brief);
      const trenner = w.gewichtet([['patch-t', 3], ['barcode', 3], ['leer', 2], ['barcode-erste-seite', 2], ['keiner', 1]] as const);
      const s = await alsStapel(briefe, {
        trenner,
        format: w.ja(0.7) ? 'pdf' : 'tiff',
        stil: w.ja(0.15) ? 'fax' : 'scan',
        dpi: w.ja(0.6) ? 300 : 200,
        ...(trenner === 'barcode-erste-seite' ? { ersteSeiteBarcode: w.ja(0.7) ? 'bg' : 'dok', barcodeArt: w.ja(0.7) ? 'Code128' : 'QRCode' } : {}),
        kopfueber: w.ja(0.2) ? 0.1 : 0,
        eingangsstempel: w.ja(0.5) ? 0.8 : 0,
        seed: variante,
      });
      yield { name: `stapel-${nr(i)}.${s.mediaType === 'application/pdf' ? 'pdf' : 'tif'}`, inhalt: s.inhalt, mediaType: s.mediaType, wahrheit: s.wahrheit };
      continue;
    }
    const b = brief();
    const dok = (seiten: number[]): DokumentWahrheit[] => [{ art: b.art, seiten, ...(b.wahrheit.bgNummer ? { bgNummer: b.wahrheit.bgNummer } : {}), brief: b.wahrheit }];
    if (art === 'bornDigital') {
      const inhalt = await alsPdf(b, { variante });
      const seiten = setze(b, variante).length;
      yield { name: `eingang-${nr(i)}.pdf`, inhalt, mediaType: 'application/pdf', wahrheit: { quelle: 'born-digital', dokumente: dok(range(seiten)), trennseiten: [] } };
      continue;
    }
    const stil: ScanStil = art;
    const plan = setze(b, variante);
    const stempel = stil !== 'foto' && w.ja(0.4) ? eingangNach(w, b) : undefined;
    if (stempel) plan[0] = mitEingangsstempel(plan[0]!, stempel);
    const mehrseitig = plan.length > 1;
    let format: ScanFormat;
    if (stil === 'foto') format = mehrseitig ? 'pdf' : 'jpeg';
    else if (stil === 'fax') format = w.ja(0.5) ? 'tiff' : 'pdf';
    else format = w.gewichtet([['pdf', 5], ['tiff', 2], ['jpeg', 2], ['png', 1]] as const);
    if (mehrseitig && (format === 'jpeg' || format === 'png')) format = 'pdf';
    const rotation = stil === 'scan' && w.ja(0.12) ? w.element([90, 180, 270] as const) : 0;
    const dpi = stil === 'scan' && w.ja(0.3) ? 200 : 300;
    const seed = (briefHash(b) ^ Math.imul(variante, 0x9e3779b1)) >>> 0;
    const bilder = await planAlsSeitenbilder(plan, stil, stil === 'fax' ? 200 : dpi, seed, format);
    const k = await kodiereSeiten(bilder, format, bilder.map(() => rotation), seed);
    const endung = format === 'tiff' ? 'tif' : format === 'jpeg' ? 'jpg' : format;
    yield {
      name: `eingang-${nr(i)}.${endung}`,
      inhalt: k.datei ?? k.seiten[0]!,
      mediaType: k.mediaType,
      wahrheit: {
        quelle: stil,
        dokumente: dok(range(plan.length)).map((d) => (stempel ? { ...d, eingangsstempel: stempel } : d)),
        trennseiten: [],
        rotationen: bilder.map(() => rotation),
        dpi: k.dpi,
      },
    };
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** The whole corpus in memory (use `korpusDateien` for large ones). */
export async function erzeugeKorpus(opts: KorpusOptionen): Promise<KorpusDatei[]> {
  const out: KorpusDatei[] = [];
  for await (const d of korpusDateien(opts)) out.push(d);
  return out;
}
