/**
 * Page scripts of the Terminsystem robot (admin UI of the Landratsamt's appointment system).
 * Pages and selectors are listed in connectors/termine/README.md.
 */
import type { Page } from 'playwright-core';
import { BusinessError, TechnicalError } from '../errors';
import type { RobotDefinition, RobotSession } from '../robot-pool/session';
import type { Secret } from '../credentials';
import type { Buchung, Tag } from './port';

export const TERMINE_SYSTEM = 'termine';

export interface ListeBuchungenJob {
  tag: Tag;
  standort?: string;
}

interface Zeile {
  zeit: string;
  dauer: string;
  anliegen: string;
  name: string;
  telefon?: string;
  email?: string;
  nummer: string;
  standort: string;
}

export async function listeBuchungen(s: RobotSession, job: ListeBuchungenJob): Promise<Buchung[]> {
  const params = new URLSearchParams({ datum: job.tag, standort: job.standort ?? '' });
  await s.goto(`admin/tagesansicht?${params.toString()}`);
  if (await s.exists('#fehlermeldung')) {
    const text = await s.text('#fehlermeldung', 'Fehlermeldung');
    if (/Standort/i.test(text)) throw new BusinessError('STANDORT_UNBEKANNT', 'Den Standort kennt das Terminsystem nicht.');
    throw new TechnicalError('TERMINSYSTEM_FEHLER', 'Das Terminsystem zeigte eine unerwartete Fehlermeldung.');
  }
  const titel = await s.element('#tag-titel', 'Überschrift der Tagesansicht');
  if ((await titel.getAttribute('data-datum')) !== job.tag) throw new TechnicalError('FALSCHER_TAG', 'Das Terminsystem zeigte einen anderen Tag als angefragt.');
  const namen = new Map<string, string>(
    await (await s.element('#standort', 'Standortauswahl')).locator('option').evaluateAll((opts) => opts.map((o) => [(o.textContent ?? '').trim(), o.getAttribute('value') ?? ''] as [string, string])),
  );
  if (await s.exists('#keine-buchungen')) return [];
  const table = await s.element('#buchungen', 'Buchungstabelle');
  const zeilen = await table.locator('tbody tr.buchung').evaluateAll((trs) =>
    trs.map((tr) => {
      const t = (sel: string) => (tr.querySelector(sel)?.textContent ?? '').trim();
      return { zeit: t('td.zeit'), dauer: t('td.dauer'), anliegen: t('td.anliegen'), name: t('td.name'), telefon: t('span.telefon') || undefined, email: t('span.email') || undefined, nummer: t('td.nummer'), standort: t('td.standort') };
    }),
  );
  const anzahl = Number(/(\d+)/.exec(await s.text('#anzahl', 'Anzahl der Buchungen'))?.[1] ?? NaN);
  if (anzahl !== zeilen.length) throw new TechnicalError('TABELLE_UNVOLLSTAENDIG', 'Die Buchungstabelle ist unvollständig geladen.');
  return zeilen.map((z: Zeile) => {
    const dauer = /(\d+)/.exec(z.dauer);
    const standort = namen.get(z.standort);
    if (!/^\d{2}:\d{2}$/.test(z.zeit) || !dauer || !standort || !z.nummer) throw new TechnicalError('TABELLE_UNLESBAR', 'Eine Zeile der Buchungstabelle ist nicht lesbar: Oberfläche geändert?');
    return {
      buchungsnummer: z.nummer,
      standort,
      tag: job.tag,
      uhrzeit: z.zeit,
      dauerMinuten: Number(dauer[1]),
      anliegen: z.anliegen,
      name: z.name,
      kontakt: { ...(z.telefon ? { telefon: z.telefon.replace(/^Tel\.\s*/, '') } : {}), ...(z.email ? { email: z.email } : {}) },
    };
  });
}

export function termineRobot(o: { url: string; user: string; password: Secret }): RobotDefinition {
  return {
    system: TERMINE_SYSTEM,
    label: 'Terminsystem',
    baseUrl: o.url,
    isLoginPage: async (page: Page) => (await page.locator('#anmeldeformular').count()) > 0,
    async login(s) {
      await s.fill('#benutzer', o.user, 'Benutzername');
      await s.fill('#kennwort', o.password.reveal(), 'Kennwort');
      await s.submit('#anmelden', 'Anmelden', { anmeldung: true });
    },
    actions: { listeBuchungen: listeBuchungen as (s: RobotSession, d: never) => Promise<unknown> },
  };
}
