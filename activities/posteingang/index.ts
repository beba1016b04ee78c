/**
 * Activities of the Posteingang (workflows/posteingang): preflight, reading (OCR through the pool),
 * recognition, matching the household, filing into the E-Akte exactly once, the Wiedervorlage,
 * the Antragseingang and finding the Weiterbewilligung workflow of a WBA.
 *
 * Rules: nothing large goes into the history (the Lesung with the text and word boxes is a file
 * at lesungPfad; activities return summaries); every side effect is idempotent (filing by a
 * dokumentId derived from the workflow id, Fachverfahren writes by `referenz`); a "no" of an outside
 * system (BusinessError) becomes a non-retryable failure the workflow turns into a review, anything
 * else is retried. Log lines carry no personal data (no names, numbers, file names).
 */
import { loadPosteingangPolicy, pruefePosteingangEnv } from './config';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DateTime } from 'luxon';
import { isBusinessError } from '../../connectors/errors';
import { BUNDESLAENDER, bekanntgabedatum, feiertageVon, naechsterArbeitstagAbHeute, plusTage, widerspruchsfristEnde, type Bundesland, type Feiertage } from '../../domain/fristen';
import { normalizeBgNummer, normalizeKundennummer } from '../../domain/identifiers';
import {
  EINGANGSART_LABELS, isEingangsart, lesungPfad, type NeuantragAngaben, type Eingangsart, type ErkennenErgebnis, type Haushaltsbezug, type LeseZusammenfassung, type Lesung,
  type Merkmale, type PosteingangPolicy, type Seite, type ZuordnenErgebnis,
} from '../../domain/posteingang';
import { bwzFuerWbaEingang, weiterbewilligungWorkflowId } from '../../domain/weiterbewilligung';
import { berlinDate } from '../../domain/zeit';
import { loadPseudonymizer, type Pseudonymizer } from '../../platform/pseudonym';
import type { ActivityDeps } from '../index';
import { leseDatei, textSeitenGenuegen } from '../erkennung/lesen';
import type { OcrEngine } from '../erkennung/ocr';
import { dokumentPdf } from './ablage-pdf';
import { createDienste, type PosteingangDienste } from './dienste';

export { schliessePosteingangDienste } from './dienste';
import { pruefeDatei } from './preflight';

/** A BusinessError of a port becomes a non-retryable failure (type = its code); anything else is retried. */
async function alsAktivitaet<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isBusinessError(err)) throw ApplicationFailure.nonRetryable(err.message, `BusinessError:${(err as { code?: string }).code ?? 'unbekannt'}`);
    throw err;
  }
}

/** The E-Akte dokumentId of a document workflow: a UUID (version 5 layout) from its workflow id. */
export function dokumentIdFuer(workflowId: string): string {
  const h = createHash('sha256').update(`aktenlauf:posteingang:${workflowId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function positiveZahl(wert: string | undefined, standard: number): number {
  const n = Number(wert);
  return wert !== undefined && wert !== '' && Number.isFinite(n) && n >= 0 ? n : standard;
}

/** The file's stored copy, checked to stay inside the data dir. */
async function leseGespeicherteDatei(dataDir: string, storedPath: string): Promise<Buffer> {
  const abs = path.resolve(dataDir, storedPath);
  if (!abs.startsWith(path.resolve(dataDir) + path.sep)) throw ApplicationFailure.nonRetryable('Ablagepfad liegt außerhalb des Datenverzeichnisses', 'StorePathInvalid');
  try {
    return await fs.readFile(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw ApplicationFailure.nonRetryable('Die abgelegte Kopie des Eingangs fehlt im Speicher', 'StoredCopyMissing');
    throw err;
  }
}

async function ladeLesung(dataDir: string, contentHash: string): Promise<Lesung | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dataDir, lesungPfad(contentHash)), 'utf8')) as Lesung;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function lesungVorhanden(dataDir: string, contentHash: string): Promise<boolean> {
  try {
    return (await fs.stat(path.join(dataDir, lesungPfad(contentHash)))).size > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function schreibeAtomar(datei: string, inhalt: string): Promise<void> {
  await fs.mkdir(path.dirname(datei), { recursive: true });
  const tmp = `${datei}.${process.pid}.tmp`;
  await fs.writeFile(tmp, inhalt);
  await fs.rename(tmp, datei);
}

function zusammenfassung(l: Pick<Lesung, 'seiten' | 'teile'>): LeseZusammenfassung {
  const ocr = l.seiten.filter((s) => s.quelle === 'ocr');
  const conf = ocr.map((s) => s.meanConfidence).filter((c): c is number => typeof c === 'number');
  return {
    seitenzahl: l.seiten.length,
    ocrSeiten: ocr.length,
    ...(conf.length > 0 ? { meanConfidence: Math.round((conf.reduce((a, b) => a + b, 0) / conf.length) * 10) / 10 } : {}),
    teile: l.teile,
  };
}

/** Which stored file to read. */
export interface LeseArgs {
  contentHash: string;
  storedPath: string;
  mediaType: string;
}

export interface ErkennenArgs {
  contentHash: string;
  seiten: number[];
  eingangsdatum: string;
  barcodeDokumentart?: Eingangsart;
}


export interface ZuordnenArgs {
  merkmale: Merkmale;
  barcodeBgNummer?: string;
  hinweisBgNummer?: string;
}


export interface AblageArgs {
  workflowId: string;
  contentHash: string;
  storedPath: string;
  mediaType: string;
  fileName: string;
  teilIndex: number;
  teileGesamt?: number;
  seiten: number[];
  /** Pages of the whole file: a PDF document made of all of them, in order, is filed as it came (original bytes). */
  seitenGesamt?: number;
  bgNummer: string;
  dokumentart: Eingangsart;
  eingangsdatum: string;
}

export interface WiedervorlageArgs {
  referenz: string;
  bgNummer: string;
  dokumentart: Eingangsart;
  eingangsdatum: string;
  bescheidVom?: string;
  teamId?: string;
  policy: Pick<PosteingangPolicy, 'land' | 'wiedervorlageArbeitstage' | 'widerspruchStandardArbeitstage'>;
}

/** Types the Fachverfahren records as Antragseingang (AntragseingangAuftrag.art). */
const ANTRAGSARTEN = ['WBA', 'HAUPTANTRAG', 'VAEM', 'UEBERPRUEFUNGSANTRAG', 'WIDERSPRUCH'] as const;
type Antragsart = (typeof ANTRAGSARTEN)[number];
export function istAntragsart(a: string): a is Antragsart {
  return (ANTRAGSARTEN as readonly string[]).includes(a);
}

/**
 * Reading renders pages on the worker's main thread (pdf.js): long synchronous stretches that
 * delay workflow tasks of the same process. At most this many files are read at once per process:
 * files that need OCR POSTEINGANG_LESEN_PARALLEL (default 4: enough rendered pages waiting for the
 * pool's workers; each file holds at most a few page images), born-digital files (text layer, no
 * rendering) POSTEINGANG_LESEN_DIGITAL_PARALLEL (default 2) — separately, so letters with a text
 * layer never wait behind scans. OCR itself runs in the pool, not here.
 */
function leseSemaphore(max: number) {
  let frei = max;
  const warten: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (frei > 0) frei--;
    else await new Promise<void>((r) => warten.push(r));
    try {
      return await fn();
    } finally {
      const naechster = warten.shift();
      if (naechster) naechster();
      else frei++;
    }
  };
}

export interface PosteingangActivityDeps extends ActivityDeps {
  redisUrl?: string;
  posteingang?: PosteingangDienste;
}

export function createPosteingangActivities(deps: PosteingangActivityDeps) {
  const dienste = createDienste(deps.dataDir, () => deps.redisUrl ?? process.env.AKTENLAUF_REDIS_URL_EFFECTIVE ?? process.env.REDIS_URL, deps.posteingang);
  const connectors = () => {
    if (!deps.connectors) throw new Error('Dieser Worker wurde ohne Anbindungen (connectors) gestartet.');
    return deps.connectors;
  };
  let pseudonymizer: Pseudonymizer | undefined;
  const pseudo = (): Pseudonymizer => {
    if (!pseudonymizer) {
      try {
        pseudonymizer = loadPseudonymizer({ keyFromEnv: process.env.AKTENLAUF_PSEUDONYM_KEY, dataDir: deps.dataDir, generate: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        pseudonymizer = loadPseudonymizer({ keyFromEnv: process.env.AKTENLAUF_PSEUDONYM_KEY, dataDir: deps.dataDir, generate: false });
      }
    }
    return pseudonymizer;
  };
  pruefePosteingangEnv(process.env); // a wrong setting stops the worker's start, not a document later
  const lesenBegrenzt = leseSemaphore(Math.max(1, Math.round(positiveZahl(process.env.POSTEINGANG_LESEN_PARALLEL, 4))));
  const digitalBegrenzt = leseSemaphore(Math.max(1, Math.round(positiveZahl(process.env.POSTEINGANG_LESEN_DIGITAL_PARALLEL, 2))));
  /** An OCR engine for the born-digital path: a page that would need OCR ends that attempt. */
  const keineOcr: OcrEngine = {
    erkenne: async () => {
      throw ApplicationFailure.nonRetryable('Eine Seite braucht OCR; die Datei wird über den OCR-Pool gelesen', 'OcrNoetig');
    },
    close: async () => undefined,
  };
  /**
   * Both reading paths: a Lesung already stored (earlier attempt) is reused; else the file is read
   * within `begrenzt` and the Lesung stored atomically (leseDatei does it; only its existence is
   * checked afterwards — reading it back would parse every word box once more). Unreadable files
   * fail for good with their German reason.
   */
  async function lies(a: LeseArgs, begrenzt: ReturnType<typeof leseSemaphore>, ocr: OcrEngine, fortschritt?: (fertig: number, gesamt: number) => void): Promise<LeseZusammenfassung> {
    const vorhanden = await ladeLesung(deps.dataDir, a.contentHash);
    if (vorhanden) return zusammenfassung(vorhanden);
    const inhalt = await leseGespeicherteDatei(deps.dataDir, a.storedPath);
    try {
      const ergebnis = await begrenzt(() => leseDatei(inhalt, a.mediaType, { ocr, dataDir: deps.dataDir, contentHash: a.contentHash, ...(fortschritt ? { fortschritt } : {}) }));
      const lesung: Lesung = { contentHash: a.contentHash, seiten: ergebnis.seiten, teile: ergebnis.teile };
      if (!(await lesungVorhanden(deps.dataDir, a.contentHash))) await schreibeAtomar(path.join(deps.dataDir, lesungPfad(a.contentHash)), JSON.stringify(lesung));
      deps.log?.info({ seiten: lesung.seiten.length, teile: lesung.teile.length }, 'posteingang: file read');
      return zusammenfassung(lesung);
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === 'SeitenFehler' || name === 'OcrBildFehler') throw ApplicationFailure.nonRetryable((err as Error).message, name);
      throw err;
    }
  }
  const feiertageCache = new Map<string, Feiertage>();
  const feiertage = (land: string): Feiertage => {
    if (!(BUNDESLAENDER as readonly string[]).includes(land)) throw ApplicationFailure.nonRetryable(`Unbekanntes Bundesland „${land}“ in der Posteingang-Policy`, 'KONFIGURATION');
    const l = land as Bundesland;
    let f = feiertageCache.get(l);
    if (!f) feiertageCache.set(l, (f = feiertageVon(l)));
    return f;
  };

  async function haushalt(suche: { bgNummer: string } | { kundennummer: string }) {
    return alsAktivitaet(() => connectors().fachverfahren.findeHaushalt(suche));
  }

  return {
    /** The site's Posteingang policy from the environment. */
    async posteingangPolicy(): Promise<PosteingangPolicy> {
      return loadPosteingangPolicy(process.env, dienste.standardSchwelle());
    },

    /**
     * Preflight of the stored file (H4's checks): ok with the page count, or a reason for the quarantine.
     * With `contentHash`, a born-digital PDF's Lesung is stored from the texts the checking thread extracted
     * (it had the file open already): reading then finds it and parses nothing again. Storing it is best effort.
     */
    async pruefeEingang(a: { storedPath: string; mediaType: string; fileName: string; contentHash?: string }) {
      const inhalt = await leseGespeicherteDatei(deps.dataDir, a.storedPath);
      const r = await pruefeDatei(inhalt, { mediaType: a.mediaType, fileName: a.fileName, textlayerMelden: true, texteMelden: Boolean(a.contentHash) });
      if (!r.ok || !r.texte) return r;
      const { texte, ...ergebnis } = r; // the texts never go into the history
      if (a.contentHash && textSeitenGenuegen(texte) && !(await lesungVorhanden(deps.dataDir, a.contentHash))) {
        try {
          await leseDatei(inhalt, 'application/pdf', { ocr: keineOcr, dataDir: deps.dataDir, contentHash: a.contentHash, textlayerTexte: texte });
        } catch (err) {
          deps.log?.info({ err: (err as Error).message }, 'posteingang: Lesung from the preflight texts not stored; reading will parse the file');
        }
      }
      return ergebnis;
    },

    /**
     * Reads the file (text layer or OCR through the pool), stores the Lesung and the page images,
     * returns a summary. Idempotent: a Lesung already stored (earlier attempt) is reused.
     */
    async leseEingang(a: LeseArgs): Promise<LeseZusammenfassung> {
      const ctx = Context.current();
      let stand = { fertig: 0, gesamt: 0 };
      const puls = setInterval(() => ctx.heartbeat(stand), 5000);
      try {
        return await lies(a, lesenBegrenzt, dienste.ocr(), (fertig, gesamt) => {
          stand = { fertig, gesamt };
          ctx.heartbeat(stand);
        });
      } finally {
        clearInterval(puls);
      }
    },

    /**
     * Reads a file that preflight found to have a text layer on every page, without OCR and without
     * waiting behind scans (run as a local activity: no heartbeats). A page that needs OCR after all
     * fails it with `OcrNoetig` (non-retryable); the workflow then reads the file with `leseEingang`.
     * Idempotent like leseEingang (a stored Lesung is reused).
     */
    async leseEingangDigital(a: LeseArgs): Promise<LeseZusammenfassung> {
      return lies(a, digitalBegrenzt, keineOcr);
    },

    /** Recognition of one document: its pages' text from the Lesung through the classifier (model cached per process). */
    async erkenneDokument(a: ErkennenArgs): Promise<ErkennenErgebnis> {
      const lesung = await ladeLesung(deps.dataDir, a.contentHash);
      if (!lesung) throw ApplicationFailure.nonRetryable('Die Lesung des Eingangs fehlt (Datei wurde nicht gelesen)', 'LesungFehlt');
      const seiten = a.seiten.map((nr) => lesung.seiten.find((s) => s.nr === nr)).filter((s): s is Seite => Boolean(s));
      const text = seiten.map((s) => s.text).join('\n\n');
      const k = await dienste.klassifikator();
      const erkennung = await k.erkenne(text, { eingangsdatum: a.eingangsdatum });
      // A Jobcenter cover sheet with a document code is a person's statement about the type.
      if (a.barcodeDokumentart && isEingangsart(a.barcodeDokumentart)) {
        erkennung.dokumentart = a.barcodeDokumentart;
        erkennung.confidence = 1;
        erkennung.regeln = [...(erkennung.regeln ?? []), 'barcode-dokumentart'];
      }
      return {
        erkennung,
        seiten: seiten.map((s) => ({
          nr: s.nr, quelle: s.quelle, rotation: s.rotation,
          ...(s.bild ? { bild: s.bild } : {}), ...(s.bildGroesse ? { bildGroesse: s.bildGroesse } : {}),
          ...(typeof s.meanConfidence === 'number' ? { meanConfidence: s.meanConfidence } : {}),
        })),
      };
    },

    /**
     * The household of a document: barcode BG-Nummer, else BG-Nummern and Kundennummern from the text,
     * else the citizen app's hint — each format-checked and verified in the Fachverfahren; else a
     * proposal by name + date of birth (never enough to file), else none.
     */
    async ordneDokumentZu(a: ZuordnenArgs): Promise<ZuordnenErgebnis> {
      let unbekannt = false;
      const kandidaten: { bg: string; quelle: 'barcode' | 'text' | 'hinweis' }[] = [];
      const bc = a.barcodeBgNummer ? normalizeBgNummer(a.barcodeBgNummer) : null;
      if (bc) kandidaten.push({ bg: bc, quelle: 'barcode' });
      for (const raw of a.merkmale.bgNummern ?? []) {
        const bg = normalizeBgNummer(raw);
        if (bg && !kandidaten.some((k) => k.bg === bg)) kandidaten.push({ bg, quelle: 'text' });
      }
      for (const [i, k] of kandidaten.slice(0, 4).entries()) {
        const h = await haushalt({ bgNummer: k.bg });
        if (!h) {
          unbekannt = true;
          continue;
        }
        // Other households named in the text (an unseparated stack, another person's letter inside): a person decides.
        // A barcode was put there by whoever scanned: it settles the household.
        const weitere: string[] = [];
        if (k.quelle !== 'barcode') {
          for (const w of kandidaten.slice(i + 1, 4)) if (w.quelle === 'text' && w.bg !== h.bgNummer && (await haushalt({ bgNummer: w.bg }))) weitere.push(w.bg);
        }
        return {
          zuordnung: { art: 'bg-nummer', bgNummer: h.bgNummer, quelle: k.quelle }, haushalt: { teamId: h.team.id, bereich: h.team.bereich }, unbekannt: false,
          ...(weitere.length > 0 ? { weitereBgNummern: weitere } : {}),
        };
      }
      for (const raw of (a.merkmale.kundennummern ?? []).slice(0, 4)) {
        const kn = normalizeKundennummer(raw);
        if (!kn) continue;
        const h = await haushalt({ kundennummer: kn });
        if (h) return { zuordnung: { art: 'kundennummer', bgNummer: h.bgNummer, kundennummer: kn }, haushalt: { teamId: h.team.id, bereich: h.team.bereich }, unbekannt: false };
        unbekannt = true;
      }
      const hinweis = a.hinweisBgNummer ? normalizeBgNummer(a.hinweisBgNummer) : null;
      if (hinweis && !kandidaten.some((k) => k.bg === hinweis)) {
        const h = await haushalt({ bgNummer: hinweis });
        if (h) return { zuordnung: { art: 'bg-nummer', bgNummer: h.bgNummer, quelle: 'hinweis' }, haushalt: { teamId: h.team.id, bereich: h.team.bereich }, unbekannt: false };
        unbekannt = true;
      }
      const abs = a.merkmale.absender;
      if (abs?.nachname && abs.geburtsdatum) {
        const vorschlaege = await alsAktivitaet(() => connectors().fachverfahren.schlageHaushalteVor({
          nachname: abs.nachname!, geburtsdatum: abs.geburtsdatum!,
          ...(abs.vorname ? { vorname: abs.vorname } : {}), ...(abs.plz ? { plz: abs.plz } : {}), ...(abs.strasse ? { strasse: abs.strasse } : {}),
        }));
        if (vorschlaege.length > 0) return { zuordnung: { art: 'vorschlag', vorschlaege: vorschlaege.slice(0, 5) }, unbekannt };
      }
      return { zuordnung: { art: 'keine' }, unbekannt };
    },

    /** Whether a household exists (the review's BG-Nummer), with its team. */
    async pruefeHaushalt(a: { bgNummer: string }): Promise<Haushaltsbezug | null> {
      const bg = normalizeBgNummer(a.bgNummer);
      if (!bg) return null;
      const h = await haushalt({ bgNummer: bg });
      return h ? { teamId: h.team.id, bereich: h.team.bereich } : null;
    },

    /**
     * A Hauptantrag of people without a household: the Fachverfahren creates person and Bedarfsgemeinschaft
     * (idempotent by `referenz`, the document workflow's id). Its refusal (e.g. the person exists) is a BusinessError.
     */
    async posteingangLegeNeuantragAn(a: { referenz: string; angaben: NeuantragAngaben; antragsdatum: string }): Promise<{ bgNummer: string; kundennummer: string; teamId?: string }> {
      const fv = connectors().fachverfahren;
      const neu = await alsAktivitaet(() => fv.legeNeuantragAn({
        referenz: a.referenz,
        antragsteller: { vorname: a.angaben.vorname, nachname: a.angaben.nachname, geburtsdatum: a.angaben.geburtsdatum },
        anschrift: { strasse: a.angaben.strasse, hausnummer: a.angaben.hausnummer, plz: a.angaben.plz, ort: a.angaben.ort },
        antragsdatum: a.antragsdatum,
      }));
      const h = await haushalt({ bgNummer: neu.bgNummer });
      deps.log?.info({ team: h?.team.id }, 'posteingang: Neuantrag created in the Fachverfahren');
      return { ...neu, ...(h ? { teamId: h.team.id } : {}) };
    },

    /** End of the review SLA (ISO instant): the same time of day `arbeitstage` Berlin working days later. */
    async pruefFrist(a: { ab: string; arbeitstage: number; land: string }): Promise<string> {
      const ab = DateTime.fromISO(a.ab, { zone: 'Europe/Berlin' });
      let tag = berlinDate(ab.toJSDate());
      for (let i = 0; i < Math.max(1, a.arbeitstage); i++) tag = naechsterArbeitstagAbHeute(plusTage(tag, 1), feiertage(a.land));
      const [j, m, t] = tag.split('-').map(Number) as [number, number, number];
      return ab.set({ year: j, month: m, day: t }).toUTC().toISO()!;
    },

    /** A person corrected the recognised type: the text and the right type go to the training data (H2). */
    async speichereDokumentKorrektur(a: { contentHash: string; seiten: number[]; dokumentart: Eingangsart; erkannt: Eingangsart; modellVersion: string }): Promise<void> {
      const lesung = await ladeLesung(deps.dataDir, a.contentHash);
      if (!lesung) return;
      const text = a.seiten.map((nr) => lesung.seiten.find((s) => s.nr === nr)?.text ?? '').join('\n\n');
      await dienste.speichereKorrektur({ text, dokumentart: a.dokumentart, erkannt: a.erkannt, modellVersion: a.modellVersion, wann: new Date().toISOString() });
    },

    /** Files the document's pages as one PDF; idempotent by the dokumentId derived from the workflow id. */
    async legeDokumentAb(a: AblageArgs): Promise<{ dokumentId: string; ablageort: string; neu: boolean }> {
      const eakte = connectors().eakte;
      const dokumentId = dokumentIdFuer(a.workflowId);
      const schon = await eakte.get(dokumentId).catch(() => null);
      if (schon) return { dokumentId, ablageort: schon.ablageort, neu: false };
      const datei = await leseGespeicherteDatei(deps.dataDir, a.storedPath);
      let pdf: Buffer;
      const ganzeDatei = a.mediaType === 'application/pdf' && a.seitenGesamt !== undefined && a.seiten.length === a.seitenGesamt && a.seiten.every((nr, i) => nr === i + 1);
      try {
        // The whole PDF is one document: the original is filed unchanged (signatures, PDF/A and metadata kept).
        pdf = ganzeDatei ? datei : await dokumentPdf(datei, a.mediaType, a.seiten);
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`Dokument konnte nicht als PDF zusammengestellt werden: ${(err as Error).message}`, 'AblagePdf');
      }
      const basis = path.basename(a.fileName).replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 80) || 'eingang';
      const dateiname = `${basis}${(a.teileGesamt ?? 1) > 1 ? `-dokument-${a.teilIndex + 1}` : ''}.pdf`;
      const e = await alsAktivitaet(() => eakte.file(
        { dokumentId, inhalt: pdf, dateiname, mimeType: 'application/pdf' },
        { bgNummer: a.bgNummer, betreff: `${EINGANGSART_LABELS[a.dokumentart]} (Posteingang)`, dokumentart: a.dokumentart, posteingangsdatum: a.eingangsdatum },
      ));
      deps.log?.info({ neu: e.neu }, 'posteingang: document filed');
      return { dokumentId: e.dokumentId, ablageort: e.ablageort, neu: e.neu };
    },

    /**
     * Wiedervorlage for the responsible team (idempotent by referenz). A WIDERSPRUCH goes with priority
     * 'hoch' and is due at the end of the Widerspruchsfrist when the contested Bescheid is in the E-Akte
     * (posted letters are filed with their Postausgangsdatum), else after a short default.
     */
    async erstelleDokumentWiedervorlage(a: WiedervorlageArgs): Promise<{ wiedervorlageId: string; faelligAm: string; prioritaet: 'normal' | 'hoch'; fristAusBescheid: boolean }> {
      const f = feiertage(a.policy.land);
      const heute = berlinDate(new Date());
      const basis = a.eingangsdatum > heute ? a.eingangsdatum : heute;
      let faelligAm = naechsterArbeitstagAbHeute(plusTage(basis, a.policy.wiedervorlageArbeitstage), f);
      let prioritaet: 'normal' | 'hoch' = 'normal';
      let fristAusBescheid = false;
      if (a.dokumentart === 'WIDERSPRUCH') {
        prioritaet = 'hoch';
        faelligAm = naechsterArbeitstagAbHeute(plusTage(basis, a.policy.widerspruchStandardArbeitstage), f);
        if (a.bescheidVom) {
          const bescheide = await connectors().eakte.find({ bgNummer: a.bgNummer, dokumentart: 'BESCHEID', von: a.bescheidVom, bis: plusTage(a.bescheidVom, 7) }).catch(() => []);
          const post = bescheide.map((b) => b.metadaten.postausgangsdatum).filter((d): d is string => Boolean(d)).sort()[0];
          if (post) {
            const ende = widerspruchsfristEnde(bekanntgabedatum(post), f);
            // Due before the deadline ends, so the team can still act; never before today.
            faelligAm = ende < basis ? basis : ende;
            fristAusBescheid = true;
          }
        }
      }
      const r = await alsAktivitaet(() => connectors().fachverfahren.erstelleWiedervorlage({
        referenz: a.referenz, bgNummer: a.bgNummer,
        betreff: `Posteingang: ${EINGANGSART_LABELS[a.dokumentart]} vom ${a.eingangsdatum.split('-').reverse().join('.')}`,
        faelligAm, prioritaet, ...(a.teamId ? { teamId: a.teamId } : {}),
      }));
      return { wiedervorlageId: r.wiedervorlageId, faelligAm, prioritaet, fristAusBescheid };
    },

    /** Records a received application (WBA, Hauptantrag, VÄM, Überprüfungsantrag, Widerspruch); idempotent by referenz. */
    async erfasseDokumentEingang(a: { referenz: string; bgNummer: string; art: string; eingangsdatum: string }): Promise<{ eingangId: string }> {
      if (!istAntragsart(a.art)) throw ApplicationFailure.nonRetryable(`Kein Antrag: ${a.art}`, 'KeinAntrag');
      const art = a.art;
      return alsAktivitaet(() => connectors().fachverfahren.erfasseAntragseingang({ referenz: a.referenz, bgNummer: a.bgNummer, art, eingangsdatum: a.eingangsdatum }));
    },

    /** The workflow id of the household's Weiterbewilligung a WBA received that day belongs to (HMAC pseudonym); null if none. */
    async findeWeiterbewilligung(a: { bgNummer: string; eingangsdatum: string }): Promise<{ workflowId: string | null }> {
      const h = await haushalt({ bgNummer: a.bgNummer });
      if (!h) return { workflowId: null };
      const bwz = bwzFuerWbaEingang(h.bewilligungszeitraeume, a.eingangsdatum);
      if (!bwz) return { workflowId: null };
      return { workflowId: weiterbewilligungWorkflowId(pseudo().key24('bwz', h.bgNummer, bwz.id)) };
    },
  };
}

export type PosteingangActivities = ReturnType<typeof createPosteingangActivities>;
