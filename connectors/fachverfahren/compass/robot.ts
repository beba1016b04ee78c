/**
 * Page scripts of the comp.ASS robot. Each port call is one job; each job is a short walk
 * through the web UI (pages and ids: README.md). Writes carry the engine's Referenz in the
 * form's field "Externe Referenz", which the Fachverfahren deduplicates: a job run again
 * after a robot died leaves one Wiedervorlage/Eingang/Neuantrag.
 *
 * Error messages never contain the searched numbers or names (they end up in logs).
 */
import type { Page } from 'playwright-core';
import { BusinessError, TechnicalError } from '../../errors';
import type { Secret } from '../../credentials';
import type { RobotDefinition, RobotSession } from '../../robot-pool/session';
import type { BwzEintrag } from '../landkreis/haushalts-index';
import type {
  AntragseingangAuftrag, Bewilligungszeitraum, Haushalt, HaushaltsSuche, HaushaltsVorschlag, NeuantragAuftrag, Person, Tag, Team, VorschlagsSuche, WiedervorlageAuftrag,
} from '../port';
import { ANTRAGSARTEN, BEREICHE, BWZ_ARTEN, MELDUNGEN, MERKMALE, ROLLEN, deDatum, invert, isoDatum } from './formate';

export const COMPASS_SYSTEM = 'compass';

const rollen = invert(ROLLEN);
const bwzArten = invert(BWZ_ARTEN);
const bereiche = invert(BEREICHE);
const merkmale = invert(MERKMALE);

function tag(s: string, was: string): Tag {
  const t = isoDatum(s);
  if (!t) throw new TechnicalError('SEITE_UNLESBAR', `Ungültiges Datum im Feld „${was}“: Oberfläche geändert?`);
  return t;
}

/** A form error of the Fachverfahren ("FV-2001: …") as BusinessError. */
async function formularFehler(s: RobotSession, selector = '#formularfehler'): Promise<void> {
  if (!(await s.exists(selector))) return;
  const text = await s.text(selector, 'Fehlermeldung');
  const m = /^(FV-\d{4}):\s*(.*)$/s.exec(text);
  const code = (m && MELDUNGEN[m[1]!]) ?? 'VOM_FACHVERFAHREN_ABGELEHNT';
  throw new BusinessError(code, m?.[2]?.trim() || 'Das Fachverfahren hat die Eingabe abgelehnt.');
}

/** Opens the household page via the BG search; false if there is no such household. */
async function oeffneHaushalt(s: RobotSession, suche: HaushaltsSuche): Promise<boolean> {
  await s.goto('suche');
  const bg = 'bgNummer' in suche ? suche.bgNummer : '';
  const kunde = 'kundennummer' in suche ? suche.kundennummer : '';
  await s.fill('#suche-bgnummer', bg, 'Suchfeld BG-Nummer');
  await s.fill('#suche-kundennummer', kunde, 'Suchfeld Kundennummer');
  await s.submit('#suche-starten', 'Suchen');
  if (await s.exists('#keine-treffer')) return false;
  if (await s.exists('#suchfehler')) return false;
  const link = await s.element('#trefferliste a.treffer-link', 'Trefferliste');
  const href = await link.getAttribute('href');
  if (!href) throw new TechnicalError('SEITE_UNLESBAR', 'Der Treffer hat keinen Verweis: Oberfläche geändert?');
  await s.goto(href);
  return true;
}

/** Ids of the household page (README.md) and what they are, for SELEKTOR_FEHLT messages. */
const HAUSHALT_FELDER: Record<string, string> = {
  'bg-nummer': 'BG-Nummer', 'bg-status': 'BG-Status', 'anschrift-strasse': 'Straße', 'anschrift-hausnummer': 'Hausnummer', 'anschrift-plz': 'PLZ',
  'anschrift-ort': 'Ort', 'team-id': 'Team', 'team-name': 'Teambezeichnung', 'team-bereich': 'Bereich des Teams', 'team-standort': 'Standort des Teams',
  personen: 'Personentabelle', bewilligungszeitraeume: 'Tabelle der Bewilligungszeiträume',
};

/** Reads the household page in one round trip to the browser. */
async function leseHaushalt(s: RobotSession): Promise<Haushalt> {
  const seite = await s.page.locator('body').evaluate((body, ids) => {
    const el = (id: string) => body.querySelector(`#${id}`);
    const text = (id: string) => (el(id)?.textContent ?? '').trim();
    const tabelle = (id: string, spalten: string[]) =>
      [...(el(id)?.querySelectorAll('tbody tr') ?? [])].map((tr) => Object.fromEntries(spalten.map((c) => [c, (tr.querySelector(`td.${c}`)?.textContent ?? '').trim()])));
    return {
      fehlend: ids.filter((id) => !el(id)),
      werte: Object.fromEntries(ids.map((id) => [id, text(id)])),
      personen: tabelle('personen', ['kundennummer', 'nachname', 'vorname', 'geburtsdatum', 'rolle']),
      bwz: tabelle('bewilligungszeitraeume', ['bwz-id', 'beginn', 'ende', 'art']),
    };
  }, Object.keys(HAUSHALT_FELDER));
  const fehlt = seite.fehlend[0];
  if (fehlt) throw new TechnicalError('SELEKTOR_FEHLT', `Element „${HAUSHALT_FELDER[fehlt]}“ (#${fehlt}) fehlt auf der Seite: Oberfläche geändert?`);
  const w = (id: string): string => seite.werte[id] ?? '';
  const personen: Person[] = seite.personen.map((z: Record<string, string>) => {
    const rolle = rollen.get(z.rolle ?? '');
    if (!rolle || !z.kundennummer) throw new TechnicalError('SEITE_UNLESBAR', 'Eine Zeile der Personentabelle ist nicht lesbar: Oberfläche geändert?');
    return { kundennummer: z.kundennummer, vorname: z.vorname ?? '', nachname: z.nachname ?? '', geburtsdatum: tag(z.geburtsdatum ?? '', 'Geburtsdatum'), rolle };
  });
  const bewilligungszeitraeume: Bewilligungszeitraum[] = seite.bwz.map((z: Record<string, string>) => {
    const art = bwzArten.get(z.art ?? '');
    if (!art || !z['bwz-id']) throw new TechnicalError('SEITE_UNLESBAR', 'Eine Zeile der BWZ-Tabelle ist nicht lesbar: Oberfläche geändert?');
    return { id: z['bwz-id'], beginn: tag(z.beginn ?? '', 'Beginn'), ende: tag(z.ende ?? '', 'Ende'), art };
  });
  const bereich = bereiche.get(w('team-bereich'));
  if (!bereich) throw new TechnicalError('SEITE_UNLESBAR', 'Der Bereich des Teams ist nicht lesbar: Oberfläche geändert?');
  const team: Team = { id: w('team-id'), name: w('team-name'), bereich, standort: w('team-standort') };
  return {
    bgNummer: w('bg-nummer'),
    personen,
    anschrift: { strasse: w('anschrift-strasse'), hausnummer: w('anschrift-hausnummer'), plz: w('anschrift-plz'), ort: w('anschrift-ort') },
    team,
    bewilligungszeitraeume,
    aufgeloest: w('bg-status') === 'aufgelöst',
  };
}

export async function findeHaushalt(s: RobotSession, job: { suche: HaushaltsSuche }): Promise<Haushalt | null> {
  if (!(await oeffneHaushalt(s, job.suche))) return null;
  return leseHaushalt(s);
}

export async function schlageHaushalteVor(s: RobotSession, job: { suche: VorschlagsSuche }): Promise<HaushaltsVorschlag[]> {
  const q = job.suche;
  if (!q.nachname?.trim() || !isoDatum(deDatum(q.geburtsdatum ?? ''))) return [];
  await s.goto('personensuche');
  await s.fill('#ps-nachname', q.nachname, 'Nachname');
  await s.fill('#ps-vorname', q.vorname ?? '', 'Vorname');
  await s.fill('#ps-geburtsdatum', deDatum(q.geburtsdatum), 'Geburtsdatum');
  await s.fill('#ps-plz', q.plz ?? '', 'PLZ');
  await s.fill('#ps-strasse', q.strasse ?? '', 'Straße');
  await s.submit('#ps-suchen', 'Suchen');
  if (await s.exists('#keine-treffer')) return [];
  if (await s.exists('#suchfehler')) return [];
  const zeilen = await (await s.element('#personentreffer', 'Trefferliste der Personensuche')).locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ['bg-nummer', 'quote', 'merkmale'].map((c) => (tr.querySelector(`td.${c}`)?.textContent ?? '').trim())),
  );
  return zeilen.map(([bgNummer, quote, liste]: string[]) => {
    const m = /^(\d+(?:,\d+)?)\s*%$/.exec(quote ?? '');
    const treffer = (liste ?? '').split(',').map((x: string) => x.trim()).filter(Boolean).map((x: string) => merkmale.get(x));
    if (!bgNummer || !m || treffer.some((t: string | undefined) => !t)) throw new TechnicalError('SEITE_UNLESBAR', 'Die Trefferliste der Personensuche ist nicht lesbar: Oberfläche geändert?');
    return { bgNummer, score: Math.round(Number(m[1]!.replace(',', '.')) * 10) / 1000, treffer: treffer as string[] };
  });
}

async function waehle(s: RobotSession, selector: string, wert: string, beschreibung: string, fehler: () => BusinessError): Promise<void> {
  const sel = await s.element(selector, beschreibung);
  const werte = await sel.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
  if (!werte.includes(wert)) throw fehler();
  await sel.selectOption(wert);
}

const ungueltig = (m: string) => () => new BusinessError('UNGUELTIGER_AUFTRAG', m);

export async function erstelleWiedervorlage(s: RobotSession, job: { auftrag: WiedervorlageAuftrag }): Promise<{ wiedervorlageId: string }> {
  const a = job.auftrag;
  if (!(await oeffneHaushalt(s, { bgNummer: a.bgNummer }))) throw new BusinessError('HAUSHALT_NICHT_GEFUNDEN', 'Keine Bedarfsgemeinschaft mit dieser BG-Nummer gefunden.');
  const link = await s.element('#aktion-wiedervorlage', 'Verweis „Wiedervorlage anlegen“');
  await s.goto((await link.getAttribute('href')) ?? '');
  await s.fill('#wv-betreff', a.betreff ?? '', 'Betreff');
  await s.fill('#wv-faellig', /^\d{4}-\d{2}-\d{2}$/.test(a.faelligAm ?? '') ? deDatum(a.faelligAm) : String(a.faelligAm ?? ''), 'Fällig am');
  await waehle(s, '#wv-prioritaet', a.prioritaet, 'Priorität', ungueltig('Ungültige Priorität.'));
  await waehle(s, '#wv-team', a.teamId ?? '', 'Team', () => new BusinessError('TEAM_NICHT_GEFUNDEN', 'Das angegebene Team gibt es nicht.'));
  await s.fill('#wv-referenz', a.referenz ?? '', 'Externe Referenz');
  await s.submit('#wv-speichern', 'Speichern');
  await formularFehler(s);
  return { wiedervorlageId: await s.text('#wv-nummer', 'Wiedervorlage-Nr.') };
}

export async function erfasseAntragseingang(s: RobotSession, job: { auftrag: AntragseingangAuftrag }): Promise<{ eingangId: string }> {
  const a = job.auftrag;
  if (!(await oeffneHaushalt(s, { bgNummer: a.bgNummer }))) throw new BusinessError('HAUSHALT_NICHT_GEFUNDEN', 'Keine Bedarfsgemeinschaft mit dieser BG-Nummer gefunden.');
  const link = await s.element('#aktion-eingang', 'Verweis „Antragseingang erfassen“');
  await s.goto((await link.getAttribute('href')) ?? '');
  await waehle(s, '#eg-art', a.art in ANTRAGSARTEN ? a.art : '\u0000', 'Art des Eingangs', ungueltig('Unbekannte Antragsart.'));
  await s.fill('#eg-datum', /^\d{4}-\d{2}-\d{2}$/.test(a.eingangsdatum ?? '') ? deDatum(a.eingangsdatum) : String(a.eingangsdatum ?? ''), 'Eingangsdatum');
  await s.fill('#eg-referenz', a.referenz ?? '', 'Externe Referenz');
  await s.submit('#eg-speichern', 'Speichern');
  await formularFehler(s);
  return { eingangId: await s.text('#eg-nummer', 'Eingangs-Nr.') };
}

export async function legeNeuantragAn(s: RobotSession, job: { auftrag: NeuantragAuftrag }): Promise<{ bgNummer: string; kundennummer: string }> {
  const a = job.auftrag;
  const d = (t: string | undefined) => (/^\d{4}-\d{2}-\d{2}$/.test(t ?? '') ? deDatum(t!) : String(t ?? ''));
  await s.goto('neuantrag');
  await s.fill('#na-nachname', a.antragsteller?.nachname ?? '', 'Nachname');
  await s.fill('#na-vorname', a.antragsteller?.vorname ?? '', 'Vorname');
  await s.fill('#na-geburtsdatum', d(a.antragsteller?.geburtsdatum), 'Geburtsdatum');
  await s.fill('#na-strasse', a.anschrift?.strasse ?? '', 'Straße');
  await s.fill('#na-hausnummer', a.anschrift?.hausnummer ?? '', 'Hausnummer');
  await s.fill('#na-plz', a.anschrift?.plz ?? '', 'PLZ');
  await s.fill('#na-ort', a.anschrift?.ort ?? '', 'Ort');
  await s.fill('#na-antragsdatum', d(a.antragsdatum), 'Antragsdatum');
  await s.fill('#na-referenz', a.referenz ?? '', 'Externe Referenz');
  await s.submit('#na-speichern', 'Neuantrag anlegen');
  await formularFehler(s);
  return { bgNummer: await s.text('#na-bgnummer', 'BG-Nummer'), kundennummer: await s.text('#na-kundennummer', 'Kundennummer') };
}

export interface BerichtSeite {
  zeilen: BwzEintrag[];
  seite: number;
  seiten: number;
  eintraege: number;
}

/** One page of the report "Liste BWZ-Ende" (BWZ ending in [von, bis]). */
export async function berichtBwzEnde(s: RobotSession, job: { von: Tag; bis: Tag; seite: number }): Promise<BerichtSeite> {
  const params = new URLSearchParams({ von: deDatum(job.von), bis: deDatum(job.bis), seite: String(job.seite) });
  await s.goto(`berichte/bwz-ende?${params.toString()}`);
  await formularFehler(s, '#berichtfehler');
  const info = await s.element('#seite-info', 'Seitenangabe des Berichts');
  const [seite, seiten, eintraege] = await Promise.all(['data-seite', 'data-seiten', 'data-eintraege'].map(async (a) => Number(await info.getAttribute(a))));
  const zeilen = await (await s.element('#bericht-bwz', 'Berichtstabelle')).locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ['bg-nummer', 'team-id', 'bg-status', 'bwz-id', 'beginn', 'ende', 'art'].map((c) => (tr.querySelector(`td.${c}`)?.textContent ?? '').trim())),
  );
  if (!Number.isInteger(seite) || !Number.isInteger(seiten) || !Number.isInteger(eintraege)) throw new TechnicalError('SEITE_UNLESBAR', 'Die Seitenangabe des Berichts ist nicht lesbar.');
  return {
    seite: seite!, seiten: seiten!, eintraege: eintraege!,
    zeilen: zeilen.map(([bgNummer, teamId, status, id, beginn, ende, art]) => {
      const a = bwzArten.get(art ?? '');
      if (!bgNummer || !teamId || !id || !a) throw new TechnicalError('SEITE_UNLESBAR', 'Eine Zeile des Berichts ist nicht lesbar: Oberfläche geändert?');
      return { bgNummer, teamId, aufgeloest: status === 'aufgelöst', bwz: { id, beginn: tag(beginn ?? '', 'Beginn'), ende: tag(ende ?? '', 'Ende'), art: a } };
    }),
  };
}

type Action = (s: RobotSession, d: never) => Promise<unknown>;

export function compassRobot(o: { url: string; user: string; password: Secret }): RobotDefinition {
  return {
    system: COMPASS_SYSTEM,
    label: 'comp.ASS',
    baseUrl: o.url,
    isLoginPage: async (page: Page) => (await page.locator('#anmeldeformular').count()) > 0,
    async login(s) {
      await s.fill('#benutzer', o.user, 'Benutzerkennung');
      await s.fill('#kennwort', o.password.reveal(), 'Kennwort');
      await s.submit('#anmelden', 'Anmelden', { anmeldung: true });
    },
    actions: {
      findeHaushalt: findeHaushalt as Action,
      schlageHaushalteVor: schlageHaushalteVor as Action,
      erstelleWiedervorlage: erstelleWiedervorlage as Action,
      erfasseAntragseingang: erfasseAntragseingang as Action,
      legeNeuantragAn: legeNeuantragAn as Action,
      berichtBwzEnde: berichtBwzEnde as Action,
    },
  };
}
