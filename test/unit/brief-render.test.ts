/**
 * Letters the engine writes: every kind renders to a PDF that passes the print centre's
 * preflight (A4 portrait, fonts embedded, address in the DIN 5008 window), with the address
 * lines read back from the window, DejaVu embedded, XMP metadata, and the WBA form enclosed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { pruefeBrief } from '../../connectors/druckzentrum/preflight';
import { beendePdfLeser, leseSeitenText } from '../../connectors/druckzentrum/pdf-text';
import { anrede, parseVorlage, fuelleVorlage, VorlagenFehler } from '../../domain/brief';
import type { Anschrift } from '../../domain/zentraldruck';
import { renderBrief, type BriefDaten } from '../../activities/druck/briefe/render';
import { Vorlagen } from '../../activities/druck/briefe/vorlagen';

afterAll(async () => {
  await beendePdfLeser();
});

const empfaenger: Anschrift = { name: 'Frau Dr. Erika Müller-Lüdenscheidt', zusatz: 'c/o Weißgerber', strasse: 'Lindenallee 12', plz: '37073', ort: 'Göttingen' };
const daten: Record<BriefDaten['art'], Record<string, string>> = {
  WBA_ERINNERUNG: { bwzEnde: '2026-06-30', rueckgabeBis: '2026-06-16' },
  WBA_ZWEITE_ERINNERUNG: { bwzEnde: '2026-06-30' },
  TERMIN_BESTAETIGUNG: { termin: '2026-12-03', uhrzeit: '09:30', ort: 'Dienststelle Musterstadt, Am Markt 1, Raum 2.14', unterlagen: 'Personalausweis, Mietvertrag, Kontoauszüge der letzten drei Monate' },
  TERMIN_ERINNERUNG: { termin: '2026-12-03', uhrzeit: '09:30', ort: 'Dienststelle Musterstadt' },
  EINGANGSBESTAETIGUNG: { eingangsdatum: '2026-11-20', dokument: 'Ihr Antrag auf Weiterbewilligung' },
};
const vorlagen = new Vorlagen();

function brief(art: BriefDaten['art']): BriefDaten {
  return { briefId: `t-${art}`, art, empfaenger, bgNummer: '37101BG0004711', teamId: 'LE-GOE-AF', daten: daten[art], datum: '2026-11-26' };
}

test.each(Object.keys(daten) as Array<BriefDaten['art']>)('%s passes the print centre preflight with the address in the window', async (art) => {
  const { pdf, seiten, betreff } = await renderBrief(brief(art), vorlagen);
  const p = await pruefeBrief(pdf);
  expect(p.grund).toBeUndefined();
  expect(p.ok).toBe(true);
  expect(p.seiten).toBe(seiten);
  expect(p.anschrift).toEqual(['Frau Dr. Erika Müller-Lüdenscheidt', 'c/o Weißgerber', 'Lindenallee 12', '37073 Göttingen']);
  expect(betreff).not.toContain('{{');
});

test('the WBA reminder encloses the form; dates are printed in German; fonts are DejaVu, embedded', async () => {
  const { pdf, seiten } = await renderBrief(brief('WBA_ERINNERUNG'), vorlagen);
  expect(seiten).toBeGreaterThanOrEqual(2);
  const seite1 = (await leseSeitenText(pdf, { seite: 1 })).stuecke.map((s) => s.str).join(' ');
  expect(seite1).toContain('30.06.2026');
  expect(seite1).toContain('Sehr geehrte Frau Müller-Lüdenscheidt,');
  expect(seite1).toContain('Unser Zeichen');
  expect(seite1).toContain('LE-GOE-AF');
  expect(seite1).toContain('Öffnungszeiten');
  expect(seite1).toContain('Jobcenter Landkreis Musterland · Postfach 10 01 23 · 37001 Musterstadt');
  const letzte = (await leseSeitenText(pdf, { seite: seiten })).stuecke.map((s) => s.str).join(' ');
  expect(letzte).toContain('Antrag auf Weiterbewilligung');
  expect(letzte).toContain('37101BG0004711');
  expect(letzte).toContain('Unterschrift');

  const doc = await PDFDocument.load(pdf);
  expect(doc.isEncrypted).toBe(false);
  const fonts: string[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (obj instanceof PDFDict && obj.lookupMaybe(PDFName.of('Type'), PDFName)?.decodeText() === 'FontDescriptor') {
      fonts.push(obj.lookupMaybe(PDFName.of('FontName'), PDFName)?.decodeText() ?? '');
      expect(obj.has(PDFName.of('FontFile2'))).toBe(true);
    }
  }
  // pdf-lib names subsets <PostScript name>-<number>
  expect(fonts.map((f) => f.replace(/^[A-Z]{6}\+/, '').replace(/-\d+$/, '')).sort()).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
  const meta = doc.catalog.lookup(PDFName.of('Metadata')) as PDFRawStream;
  const xml = Buffer.from(meta.contents).toString('utf8');
  expect(xml).toContain('<rdf:li>de</rdf:li>');
  expect(xml).toContain('Weiterbewilligung Ihres Bürgergelds');
  expect(doc.getTitle()).toContain('Weiterbewilligung');
  for (const page of doc.getPages()) {
    expect(Math.round(page.getWidth())).toBe(595);
    expect(Math.round(page.getHeight())).toBe(842);
  }
});

test('a missing placeholder value is a clear error naming the placeholder', async () => {
  const b = { ...brief('WBA_ZWEITE_ERINNERUNG'), daten: {} };
  await expect(renderBrief(b, vorlagen)).rejects.toThrow(new VorlagenFehler('Vorlage WBA_ZWEITE_ERINNERUNG: Für den Platzhalter {{bwzEnde}} fehlt ein Wert im Auftrag.'));
});

test('a site overrides a template through its own folder', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vorlagen-'));
  try {
    fs.writeFileSync(path.join(dir, 'EINGANGSBESTAETIGUNG.txt'), 'Betreff: Ihr Schreiben vom {{eingangsdatum}}\n---\nDanke, es ist angekommen.\n');
    const { pdf, betreff } = await renderBrief(brief('EINGANGSBESTAETIGUNG'), new Vorlagen(dir));
    expect(betreff).toBe('Ihr Schreiben vom 20.11.2026');
    expect((await leseSeitenText(pdf)).stuecke.map((s) => s.str).join(' ')).toContain('Danke, es ist angekommen.');
    expect((await pruefeBrief(pdf)).ok).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a long text flows onto further pages, each with footer and page number', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vorlagen-'));
  try {
    const lang = Array.from({ length: 40 }, (_, i) => `Absatz ${i + 1}: Bitte lesen Sie diesen Hinweis aufmerksam und bewahren Sie das Schreiben auf.`).join('\n\n');
    fs.writeFileSync(path.join(dir, 'TERMIN_ERINNERUNG.txt'), `Betreff: Termin am {{termin}}\nRechtsbehelfsbelehrung: ja\n---\n${lang}\n`);
    const { pdf, seiten } = await renderBrief(brief('TERMIN_ERINNERUNG'), new Vorlagen(dir));
    expect(seiten).toBeGreaterThanOrEqual(2);
    expect((await pruefeBrief(pdf)).ok).toBe(true);
    const letzte = (await leseSeitenText(pdf, { seite: seiten })).stuecke.map((s) => s.str).join(' ');
    expect(letzte).toContain(`Seite ${seiten} von ${seiten}`);
    expect(letzte).toContain('Rechtsbehelfsbelehrung');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('templates and salutation', () => {
  test('parse and fill', () => {
    const v = parseVorlage('X', '# Kommentar\nBetreff: Ende am {{bwzEnde}}\nAnlagen: A; B\n---\nZeile eins\nzwei\n\nDritter {{bwzEnde}}\n');
    expect(fuelleVorlage(v, { bwzEnde: '2026-01-31' })).toEqual({ betreff: 'Ende am 31.01.2026', anlagen: ['A', 'B'], rechtsbehelfsbelehrung: false, absaetze: ['Zeile eins zwei', 'Dritter 31.01.2026'] });
    expect(() => parseVorlage('X', 'Betreff: x\n')).toThrow('Trennzeile');
  });
  test('salutation from the name line', () => {
    expect(anrede({ name: 'Herrn Jürgen Beispiel' })).toBe('Sehr geehrter Herr Beispiel,');
    expect(anrede({ name: 'Frau Aylin Probst' })).toBe('Sehr geehrte Frau Probst,');
    expect(anrede({ name: 'Familie Demir' })).toBe('Sehr geehrte Damen und Herren,');
  });
});
