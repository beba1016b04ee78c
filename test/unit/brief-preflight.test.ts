/** The engine's own check before sending (activity pruefeBriefPdf) on bad letters. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { createDruckActivities } from '../../activities/druck';
import { beendePdfLeser } from '../../connectors/druckzentrum/pdf-text';
import { testbrief, type TestbriefVariante } from '../../connectors/druckzentrum/testbriefe';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-preflight-'));
const akt = createDruckActivities({ dataDir });

afterAll(async () => {
  await beendePdfLeser();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function ablegen(name: string, pdf: Uint8Array): string {
  const rel = path.join('store', 'test', name);
  fs.mkdirSync(path.join(dataDir, 'store', 'test'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, rel), pdf);
  return rel;
}

test.each<[TestbriefVariante, string]>([
  ['adresseAusserhalb', 'ADRESSE_AUSSERHALB_FENSTER'],
  ['ragtHinaus', 'ADRESSE_AUSSERHALB_FENSTER'],
  ['verschluesselt', 'PDF_VERSCHLUESSELT'],
  ['quer', 'FORMAT_NICHT_A4_HOCH'],
  ['keinPdf', 'KEIN_PDF'],
  ['schriftNichtEingebettet', 'SCHRIFT_NICHT_EINGEBETTET'],
])('%s is refused with %s and a German reason', async (variante, code) => {
  const r = await akt.pruefeBriefPdf({ pdfPfad: ablegen(`${variante}.pdf`, await testbrief({ nr: 2, variante })), maxSeiten: 100 });
  expect(r.ok).toBe(false);
  expect(r.fehlercode).toBe(code);
  expect(r.grund).toMatch(/^[A-ZÄÖÜ].+\.$/);
});

test('a PDF with 0 pages is refused', async () => {
  const leer = await (await PDFDocument.create()).save({ addDefaultPage: false });
  const r = await akt.pruefeBriefPdf({ pdfPfad: ablegen('leer.pdf', leer), maxSeiten: 100 });
  expect(r).toMatchObject({ ok: false, seiten: 0, fehlercode: 'KEIN_PDF' });
});

test('a letter of 300 pages exceeds the page limit', async () => {
  const r = await akt.pruefeBriefPdf({ pdfPfad: ablegen('dick.pdf', await testbrief({ nr: 4, seiten: 300 })), maxSeiten: 100 });
  expect(r).toMatchObject({ ok: false, seiten: 300, fehlercode: 'ZU_VIELE_SEITEN' });
  expect(r.grund).toBe('Der Brief hat 300 Seiten; der Zentraldruck nimmt höchstens 100 Seiten an.');
});

test('a missing file and a path outside the data dir are clear errors', async () => {
  expect(await akt.pruefeBriefPdf({ pdfPfad: 'store/test/gibt-es-nicht.pdf', maxSeiten: 100 })).toMatchObject({ ok: false, fehlercode: 'DATEI_FEHLT' });
  await expect(akt.pruefeBriefPdf({ pdfPfad: '../../etc/passwd', maxSeiten: 100 })).rejects.toThrow('außerhalb des Datenverzeichnisses');
});

test('a valid letter passes', async () => {
  expect(await akt.pruefeBriefPdf({ pdfPfad: ablegen('gut.pdf', await testbrief({ nr: 7, seiten: 2 })), maxSeiten: 100 })).toEqual({ ok: true, seiten: 2 });
});
