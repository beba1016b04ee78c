/**
 * The pure parts of the Postkorb pages: finding the recognised identifiers among OCR words
 * (split, glued to a prefix, dates in several spellings), reading cut points typed by a person,
 * the order of the type alternatives, the visibility clause of the filters, and escaping.
 */
import type { DokumentZustand, Wort } from '../../domain/posteingang';
import { filterKlausel } from '../../console/postkorb';
import { markierungen } from '../../console/postkorb-markierung';
import { dokumentPage, leseTeile, postkorbPage, teileAlsText, topArten } from '../../console/views/postkorb';
import { quarantaenePage } from '../../console/views/quarantaene';
import type { User } from '../../console/users';

function woerter(...texte: string[]): Wort[] {
  return texte.map((text, i) => ({ text, confidence: 90, bbox: { x0: i * 100, y0: 10, x1: i * 100 + 90, y1: 30 } }));
}

const leer = { bgNummern: [], kundennummern: [], ibans: [] };

test('identifiers split over words or glued to a prefix get one box over exactly their words', () => {
  const w = woerter('Ihre', 'BG-Nr.:', '96201', 'BG', '0012345', 'vom', '05.03.2026', 'Kd-Nr.962D123456');
  const m = markierungen(w, { ...leer, bgNummern: ['96201BG0012345'], kundennummern: ['962D123456'], briefdatum: '2026-03-05' });
  expect(m).toEqual([
    { art: 'bg-nummer', wert: '96201BG0012345', bbox: { x0: 200, y0: 10, x1: 490, y1: 30 } },
    { art: 'kundennummer', wert: '962D123456', bbox: { x0: 700, y0: 10, x1: 790, y1: 30 } },
    { art: 'datum', wert: '2026-03-05', bbox: { x0: 600, y0: 10, x1: 690, y1: 30 } },
  ]);
  // Glued: "BG-Nr.:96201BG0012345" is one word.
  expect(markierungen(woerter('BG-Nr.:96201BG0012345'), { ...leer, bgNummern: ['96201BG0012345'] })).toHaveLength(1);
  // An IBAN in groups of four, found twice on a page.
  const iban = 'DE89370400440532013000';
  const zweimal = markierungen(woerter('IBAN', 'DE89', '3704', '0044', '0532', '0130', '00', 'und', 'DE89370400440532013000'), { ...leer, ibans: [iban] });
  expect(zweimal.map((x) => [x.bbox.x0, x.bbox.x1])).toEqual([[100, 690], [800, 890]]);
  // Short date spellings ("5.3.26") are not marked: too many numbers look like them.
  expect(markierungen(woerter('5.3.26'), { ...leer, briefdatum: '2026-03-05' })).toEqual([]);
  expect(markierungen(woerter('5.3.2026'), { ...leer, briefdatum: '2026-03-05' })).toHaveLength(1);
  // Nothing to mark without words or identifiers; a different number is not marked.
  expect(markierungen(undefined, { ...leer, bgNummern: ['96201BG0012345'] })).toEqual([]);
  expect(markierungen(woerter('96201', 'BG', '0012346'), { ...leer, bgNummern: ['96201BG0012345'] })).toEqual([]);
});

test('cut points: lines of pages and ranges; errors in German; and back to text', () => {
  expect(leseTeile('1-3\n5, 6\n\n8', 8)).toEqual([[1, 2, 3], [5, 6], [8]]);
  expect(leseTeile('1–2', 2)).toEqual([[1, 2]]);
  expect(leseTeile('', 3)).toBe('Bitte geben Sie mindestens ein Dokument an.');
  expect(leseTeile('1-4', 3)).toBe('Zeile 1: Seiten 1-4 liegen nicht zwischen 1 und 3.');
  expect(leseTeile('1\nabc', 3)).toBe('Zeile 2: „abc“ ist keine Seitenangabe (erlaubt: 3 oder 1-4).');
  expect(leseTeile('1-2\n2', 3)).toBe('Seite 2 ist mehr als einem Dokument zugeordnet.');
  expect(teileAlsText([{ seiten: [1, 2, 3, 5] }, { seiten: [7] }])).toBe('1-3, 5\n7');
});

function zustand(over: Partial<DokumentZustand> = {}): DokumentZustand {
  return {
    status: 'pruefung', contentHash: 'a'.repeat(64), teilIndex: 0, eingangsdatum: '2026-11-20', quelle: 'mail', dateiname: '<b>x</b>.pdf',
    seiten: [{ nr: 1, quelle: 'ocr', rotation: 0 }], pruefGruende: ['vorschlag'], prioritaet: 'normal', entscheidungen: [],
    erkennung: {
      dokumentart: 'VAEM', confidence: 0.4, scores: { WBA: 0.45, VAEM: 0.4, SONSTIGES: 0.15 },
      merkmale: leer, modellVersion: 'm1', regeln: [],
    },
    zuordnung: { art: 'vorschlag', vorschlaege: [{ bgNummer: '96201BG0012345', score: 0.8, treffer: ['Name', 'Geburtsdatum'] }] },
    ...over,
  };
}

const user: User = { username: 'postkorb', displayName: 'P', role: 'postkorb' };

test('top types: the recognised one first, then by score; a proposal is shown but never prefilled; input escaped', () => {
  expect(topArten(zustand()).map((t) => t.art)).toEqual(['VAEM', 'WBA', 'SONSTIGES']);
  const page = dokumentPage({ user, csrf: 't', workflowId: 'dok-x-0', zustand: zustand(), seiten: [{ nr: 1, markierungen: [] }], text: '<script>', darfEntscheiden: true });
  expect(page).toContain('id="bgNummer" name="bgNummer" value=""');
  expect(page).toContain('data-bg="96201BG0012345"');
  expect(page).toContain('80 %');
  expect(page).toContain('Name, Geburtsdatum');
  expect(page).toContain('&lt;b&gt;x&lt;/b&gt;.pdf');
  expect(page).toContain('<pre class="text">&lt;script&gt;</pre>');
  expect(page).not.toContain('<script>');
  const nurLesen = dokumentPage({ user: { ...user, role: 'leitung' }, csrf: 't', workflowId: 'dok-x-0', zustand: zustand({ status: 'abgelegt' }), seiten: [], darfEntscheiden: true });
  expect(nurLesen).not.toContain('id="entscheidung"');
  expect(nurLesen).toContain('Dieses Dokument wartet nicht (mehr) auf eine Prüfung: Abgelegt.');
});

test('an attachment of an e-mail: its subject is shown, a BG-Nummer from the e-mail is named as such', () => {
  const z = zustand({ quelle: 'mail', betreff: 'Kontoauszug <Oktober>', zuordnung: { art: 'bg-nummer', bgNummer: '96201BG0012345', quelle: 'hinweis' } });
  const page = dokumentPage({ user, csrf: 't', workflowId: 'dok-x-0', zustand: z, seiten: [], darfEntscheiden: true });
  expect(page).toContain('<dt>Betreff</dt><dd id="betreff">Kontoauszug &lt;Oktober&gt;</dd>');
  expect(page).toContain('(aus Betreff oder Text der E-Mail, geprüft)');
  expect(page).not.toContain('Bürger-App');
  const upload = dokumentPage({ user, csrf: 't', workflowId: 'dok-x-0', zustand: { ...z, quelle: 'upload' }, seiten: [], darfEntscheiden: true });
  expect(upload).toContain('(aus der Angabe in der Bürger-App, geprüft)');
});

test('filters become a visibility clause of fixed values only; pages render empty states in German', () => {
  const jetzt = new Date('2026-11-26T12:00:00Z');
  expect(filterKlausel({ art: 'WBA', quelle: 'upload', von: '2026-11-01', bis: '2026-11-30', ueberfaellig: true }, jetzt))
    .toBe(" AND AktenlaufArt = 'WBA' AND AktenlaufQuelle = 'upload' AND AktenlaufEingangsdatum >= '2026-11-01T00:00:00Z' AND AktenlaufEingangsdatum < '2026-12-01T00:00:00Z' AND (AktenlaufStatus = 'pruefung-ueberfaellig' OR AktenlaufFaellig < '2026-11-26T12:00:00.000Z')");
  expect(filterKlausel({ ueberfaellig: false }, jetzt)).toBe('');
  const liste = postkorbPage({ user, csrf: 't', filter: { ueberfaellig: true }, rows: [], truncated: false, limit: 500, jetzt, heute: jetzt });
  expect(liste).toContain('Keine Dokumente warten auf eine Prüfung (mit diesem Filter).');
  const q = quarantaenePage({ user: { ...user, role: 'revision' }, csrf: 't', rows: [], darfEntscheiden: false, truncated: false, limit: 200 });
  expect(q).toContain('In der Quarantäne liegen keine Dateien.');
  expect(q).toContain('Ihre Rolle sieht die Liste nur lesend.');
});
