/**
 * The print centre's checks on single letters, and the test letters they are checked with:
 * a valid DIN 5008 Form B letter passes; each broken variant fails with its own code.
 */
import { PDFDocument } from 'pdf-lib';
import { pruefeBrief, zaehleSeiten } from '../../connectors/druckzentrum/preflight';
import { beendePdfLeser, leseSeitenText } from '../../connectors/druckzentrum/pdf-text';
import { testbrief, TESTBRIEF_KENNWORT } from '../../connectors/druckzentrum/testbriefe';

afterAll(async () => {
  await beendePdfLeser();
});

describe('Preflight des Druckzentrums', () => {
  test('ein gültiger Brief besteht und seine Anschrift wird aus dem Fenster gelesen', async () => {
    const pdf = await testbrief({ nr: 2, seiten: 2 });
    const r = await pruefeBrief(pdf);
    expect(r).toMatchObject({ ok: true, seiten: 2 });
    expect(r.anschrift).toEqual(['Herrn', 'Jürgen Beispiel', 'Am Mühlbach 3a', '35578 Wetzlar']);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('Testbriefe sind deterministisch: gleiche Nummer, gleiche Bytes; andere Nummer, anderes PDF', async () => {
    const [a, b, c] = await Promise.all([testbrief({ nr: 5 }), testbrief({ nr: 5 }), testbrief({ nr: 6 })]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  test.each([
    ['adresseAusserhalb', 'ADRESSE_AUSSERHALB_FENSTER', /Anschriftfeld/],
    ['ragtHinaus', 'ADRESSE_AUSSERHALB_FENSTER', /ragt über den Rand/],
    ['verschluesselt', 'PDF_VERSCHLUESSELT', /verschlüsselt/],
    ['quer', 'FORMAT_NICHT_A4_HOCH', /297 × 210 mm/],
    ['keinPdf', 'KEIN_PDF', /kein lesbares PDF/],
    ['schriftNichtEingebettet', 'SCHRIFT_NICHT_EINGEBETTET', /ArialMT/],
  ] as const)('Variante %s wird mit %s abgelehnt', async (variante, code, grund) => {
    const r = await pruefeBrief(await testbrief({ variante }));
    expect(r.ok).toBe(false);
    expect(r.fehlercode).toBe(code);
    expect(r.grund).toMatch(grund);
  });

  test('der verschlüsselte Testbrief ist echt verschlüsselt: nur mit Kennwort lesbar', async () => {
    const pdf = await testbrief({ nr: 3, variante: 'verschluesselt' });
    await expect(PDFDocument.load(pdf)).rejects.toThrow(/encrypted/i);
    await expect(leseSeitenText(pdf)).rejects.toMatchObject({ kennwort: true });
    const seite = await leseSeitenText(pdf, { kennwort: TESTBRIEF_KENNWORT });
    const text = seite.stuecke.map((s) => s.str).join(' ');
    expect(text).toContain('Testbrief 3');
    expect(text).toContain('Aylin Probst');
  });

  test('Seitenzahl: gezählt für PDFs, undefined für Nicht-PDFs', async () => {
    expect(await zaehleSeiten(await testbrief({ seiten: 3 }))).toBe(3);
    expect(await zaehleSeiten(await testbrief({ variante: 'keinPdf' }))).toBeUndefined();
  });
});
