/**
 * Renders the letters the engine writes itself as PDF (DIN 5008 Form B, A4 portrait) with
 * pdf-lib and DejaVu Sans embedded (subset) through @pdf-lib/fontkit.
 *
 * PDF/A-minded, not claimed: every font embedded, no encryption, XMP metadata (title,
 * language de, creator, dates) and /Lang in the catalog, only device RGB black/grey. The file
 * carries no pdfaid claim because it has no output intent (ICC profile); a site that needs
 * certified PDF/A-2b adds the profile here.
 *
 * Layout (mm from the top-left corner of the page, DIN 5008 Form B):
 *   letterhead 0–45 · address field x 20–105, y 45–90 (Vermerkzone with Rücksendeangabe 45–62.7,
 *   address lines from 62.7) · Informationsblock x 125–190 from y 50 · Betreff at 103.4 ·
 *   text 25–190 · footer (address, opening hours, bank) from 272 · fold marks at 105 and 210,
 *   punch mark at 148.5.
 * The address window is checked by connectors/druckzentrum/preflight.ts (unit test).
 */
import { dejavuBytes, fontkitMitCache, umbrechen } from '../../../platform/pdf-schrift';
import { PDFDocument, PDFName, PDFString, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { anrede, anschriftZeilen, fuelleVorlage, type GefuellterBrief } from '../../../domain/brief';
import { deutschesDatum } from '../../../domain/fristen';
import type { Anschrift, BriefArt } from '../../../domain/zentraldruck';
import type { Absender, Vorlagen } from './vorlagen';

const PT = 72 / 25.4;
const A4: [number, number] = [210 * PT, 297 * PT];
const LINKS = 25;
const RECHTS = 190;
const FUSS_OBEN = 270;

export interface BriefDaten {
  briefId: string;
  art: Exclude<BriefArt, 'FACHVERFAHREN_BESCHEID'>;
  empfaenger: Anschrift;
  /** Absent or empty (no Bedarfsgemeinschaft yet): no BG-Nummer line in the Informationsblock. */
  bgNummer?: string;
  teamId: string;
  daten: Record<string, string>;
  /** Letter date YYYY-MM-DD. */
  datum: string;
}

interface Stifte {
  normal: PDFFont;
  fett: PDFFont;
}

class Seiten {
  readonly seiten: PDFPage[] = [];
  y = 0;
  seite!: PDFPage;
  constructor(private readonly doc: PDFDocument, private readonly f: Stifte, private readonly kopfzeile: string) {}

  neueSeite(o: { anlage?: boolean } = {}): PDFPage {
    this.seite = this.doc.addPage(A4);
    this.seiten.push(this.seite);
    marken(this.seite);
    if (this.seiten.length > 1 && !o.anlage) {
      schreibe(this.seite, kuerze(this.kopfzeile, this.f.normal, 8, (RECHTS - LINKS) * PT), LINKS, 20, 8, this.f.normal, 0.35);
      this.y = 32;
    }
    return this.seite;
  }

  /** Wrapped paragraph at the current position; new page when the footer would be reached. */
  absatz(text: string, o: { size?: number; font?: PDFFont; abstand?: number; einzug?: number } = {}): void {
    const size = o.size ?? 10;
    const font = o.font ?? this.f.normal;
    const zeilenhoehe = size * 0.47;
    const breite = (RECHTS - LINKS - (o.einzug ?? 0)) * PT;
    for (const z of umbrechen(text, font, size, breite)) {
      if (this.y + zeilenhoehe > FUSS_OBEN - 4) this.neueSeite();
      schreibe(this.seite, z, LINKS + (o.einzug ?? 0), this.y, size, font);
      this.y += zeilenhoehe;
    }
    this.y += o.abstand ?? zeilenhoehe * 0.6;
  }
}

function schreibe(page: PDFPage, s: string, xMm: number, yMm: number, size: number, font: PDFFont, grau = 0): void {
  page.drawText(s, { x: xMm * PT, y: page.getHeight() - yMm * PT, size, font, color: rgb(grau, grau, grau) });
}

function marken(page: PDFPage): void {
  const h = page.getHeight();
  for (const [y, len] of [[105, 5], [148.5, 7], [210, 5]] as const) {
    page.drawLine({ start: { x: 3 * PT, y: h - y * PT }, end: { x: (3 + len) * PT, y: h - y * PT }, thickness: 0.4, color: rgb(0.5, 0.5, 0.5) });
  }
}


/** The text, shortened with an ellipsis to fit the width. */
function kuerze(text: string, font: PDFFont, size: number, breitePt: number): string {
  if (font.widthOfTextAtSize(text, size) <= breitePt) return text;
  let t = text;
  while (t.length > 1 && font.widthOfTextAtSize(`${t}…`, size) > breitePt) t = t.slice(0, -1);
  return `${t.trimEnd()}…`;
}

/** Largest font size ≤ max at which the text fits the width. */
function passend(text: string, font: PDFFont, max: number, breiteMm: number): number {
  let s = max;
  while (s > 5 && font.widthOfTextAtSize(text, s) > breiteMm * PT) s -= 0.25;
  return s;
}

function xmp(titel: string, absender: string, datumIso: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${esc(titel)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>${esc(absender)}</rdf:li></rdf:Seq></dc:creator>
   <dc:language><rdf:Bag><rdf:li>de</rdf:li></rdf:Bag></dc:language>
   <xmp:CreateDate>${datumIso}</xmp:CreateDate>
   <xmp:ModifyDate>${datumIso}</xmp:ModifyDate>
   <xmp:CreatorTool>Aktenlauf</xmp:CreatorTool>
   <pdf:Producer>Aktenlauf (pdf-lib)</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

function briefkopf(s: Seiten, f: Stifte, a: Absender, b: BriefDaten): void {
  const p = s.seite;
  schreibe(p, a.behoerde, LINKS, 18, 14, f.fett);
  if (a.bereich) schreibe(p, a.bereich, LINKS, 24, 9, f.normal, 0.25);
  // Address field (Form B): Rücksendeangabe at the bottom of the Vermerkzone, then the address.
  schreibe(p, a.ruecksendeangabe, LINKS, 45 + 14, passend(a.ruecksendeangabe, f.normal, 7, 78), f.normal);
  p.drawLine({ start: { x: LINKS * PT, y: p.getHeight() - 60.2 * PT }, end: { x: 100 * PT, y: p.getHeight() - 60.2 * PT }, thickness: 0.3, color: rgb(0.4, 0.4, 0.4) });
  anschriftZeilen(b.empfaenger).forEach((z, i) => schreibe(p, z, LINKS, 62.7 + 4.5 + i * 4.23, passend(z, f.normal, 10, 78), f.normal));
  // Informationsblock right of the window.
  const info: Array<[string, string]> = [
    ['Ihr Zeichen', b.daten.ihrZeichen?.trim() || '–'],
    ['Unser Zeichen', b.teamId],
    ['Ansprechpartner', b.daten.ansprechpartner?.trim() || `Team ${b.teamId}`],
    ['Telefon', b.daten.telefon?.trim() || a.telefon],
  ];
  if (a.email) info.push(['E-Mail', a.email]);
  if (b.bgNummer?.trim()) info.push(['BG-Nummer', b.bgNummer.trim()]);
  info.push(['Datum', deutschesDatum(b.datum)]);
  info.forEach(([k, v], i) => {
    schreibe(p, k, 125, 50 + i * 4.5, 7.5, f.normal, 0.3);
    schreibe(p, v, 150, 50 + i * 4.5, passend(v, f.normal, 8.5, 40), f.normal);
  });
}

function fusszeile(page: PDFPage, f: Stifte, a: Absender, nr: number, von: number): void {
  page.drawLine({ start: { x: LINKS * PT, y: page.getHeight() - (FUSS_OBEN + 2) * PT }, end: { x: RECHTS * PT, y: page.getHeight() - (FUSS_OBEN + 2) * PT }, thickness: 0.3, color: rgb(0.6, 0.6, 0.6) });
  const spalten: Array<[number, string, string[]]> = [
    [LINKS, 'Anschrift', [...a.anschrift, ...(a.internet ? [a.internet] : [])]],
    [85, 'Öffnungszeiten', a.oeffnungszeiten],
    [140, 'Bankverbindung', a.bank],
  ];
  for (const [x, titel, zeilen] of spalten) {
    schreibe(page, titel, x, FUSS_OBEN + 6, 6.5, f.fett, 0.3);
    zeilen.slice(0, 4).forEach((z, i) => schreibe(page, z, x, FUSS_OBEN + 9.5 + i * 3, passend(z, f.normal, 6.5, 52), f.normal, 0.3));
  }
  schreibe(page, `Seite ${nr} von ${von}`, 170, 292, 7, f.normal, 0.3);
}

/** The enclosed form "Antrag auf Weiterbewilligung" (pages appended to the WBA reminder). */
function wbaFormular(s: Seiten, f: Stifte, a: Absender, b: BriefDaten): void {
  s.neueSeite({ anlage: true });
  const p = s.seite;
  const linie = (x1: number, y: number, x2: number) => p.drawLine({ start: { x: x1 * PT, y: p.getHeight() - y * PT }, end: { x: x2 * PT, y: p.getHeight() - y * PT }, thickness: 0.5, color: rgb(0, 0, 0) });
  const kaestchen = (x: number, y: number) => p.drawRectangle({ x: x * PT, y: p.getHeight() - (y + 3) * PT, width: 3.5 * PT, height: 3.5 * PT, borderWidth: 0.6, borderColor: rgb(0, 0, 0) });
  schreibe(p, 'Antrag auf Weiterbewilligung', LINKS, 38, 15, f.fett);
  schreibe(p, 'von Leistungen zur Sicherung des Lebensunterhalts nach dem SGB II (Bürgergeld)', LINKS, 44, 9, f.normal);
  schreibe(p, `An: ${a.behoerde}, ${a.anschrift.slice(1).join(', ')}`, LINKS, 51, 8.5, f.normal);
  let y = 62;
  const feld = (label: string, wert = '') => {
    schreibe(p, label, LINKS, y, 8, f.normal, 0.3);
    if (wert) schreibe(p, wert, LINKS + 1, y + 5, 10, f.normal);
    linie(LINKS, y + 6.5, RECHTS);
    y += 12;
  };
  feld('BG-Nummer', b.bgNummer?.trim() ?? '');
  feld('Name, Vorname der antragstellenden Person', b.empfaenger.name.replace(/^(Frau|Herrn?)\s+/, ''));
  feld('Anschrift', `${b.empfaenger.strasse}, ${b.empfaenger.plz} ${b.empfaenger.ort}`);
  feld('Telefon (freiwillig)');
  if (b.daten.bwzEnde) schreibe(p, `Ich beantrage die Weiterbewilligung ab dem Tag nach dem ${deutschesDatum(b.daten.bwzEnde)}.`, LINKS, y, 10, f.fett);
  else schreibe(p, 'Ich beantrage die Weiterbewilligung der Leistungen.', LINKS, y, 10, f.fett);
  y += 9;
  schreibe(p, 'Hat sich seit dem letzten Antrag etwas geändert?', LINKS, y, 10, f.fett);
  y += 7;
  const fragen = [
    'Personen im Haushalt (Einzug, Auszug, Geburt)',
    'Einkommen (Arbeit, Rente, Unterhalt, Kindergeld, sonstiges)',
    'Vermögen (Konten, Sparguthaben, Fahrzeuge)',
    'Miete, Nebenkosten oder Heizkosten',
    'Krankenversicherung',
    'Bankverbindung',
  ];
  schreibe(p, 'nein', 150, y - 1, 7.5, f.normal, 0.3);
  schreibe(p, 'ja', 165, y - 1, 7.5, f.normal, 0.3);
  y += 4;
  for (const frage of fragen) {
    schreibe(p, frage, LINKS, y + 2.5, 9.5, f.normal);
    kaestchen(150, y);
    kaestchen(165, y);
    y += 8;
  }
  y += 2;
  s.y = y;
  s.absatz('Wenn Sie „ja“ angekreuzt haben: Bitte beschreiben Sie die Änderung und legen Sie Nachweise bei (z. B. Lohnabrechnung, Mietvertrag, Kontoauszüge der letzten drei Monate).', { size: 9 });
  y = s.y + 2;
  for (let i = 0; i < 3; i += 1) {
    linie(LINKS, y + 6, RECHTS);
    y += 8;
  }
  y += 6;
  s.y = y;
  s.absatz('Ich versichere, dass meine Angaben richtig und vollständig sind. Änderungen teile ich unverzüglich mit (§ 60 SGB I).', { size: 9 });
  y = s.y + 12;
  linie(LINKS, y, 85);
  linie(100, y, RECHTS);
  schreibe(p, 'Ort, Datum', LINKS, y + 4, 8, f.normal, 0.3);
  schreibe(p, 'Unterschrift der antragstellenden Person', 100, y + 4, 8, f.normal, 0.3);
}

/** The WBA form goes with the first reminder (unless `formularBeigefuegt: 'nein'`) and with any letter that asks for it. */
export function mitWbaFormular(b: Pick<BriefDaten, 'art' | 'daten'>): boolean {
  const wunsch = b.daten.formularBeigefuegt?.trim().toLowerCase();
  return wunsch === 'ja' || (b.art === 'WBA_ERINNERUNG' && wunsch !== 'nein');
}

/** Renders one letter; throws VorlagenFehler (a business error) when the template data are incomplete. */
export async function renderBrief(b: BriefDaten, vorlagen: Vorlagen): Promise<{ pdf: Buffer; seiten: number; betreff: string }> {
  const absender = vorlagen.absender();
  const inhalt: GefuellterBrief = fuelleVorlage(vorlagen.vorlage(b.art), b.daten);
  const datumIso = `${b.datum}T00:00:00Z`;

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkitMitCache);
  const bytes = dejavuBytes();
  const f: Stifte = { normal: await doc.embedFont(bytes.regular, { subset: true }), fett: await doc.embedFont(bytes.bold, { subset: true }) };
  doc.setTitle(inhalt.betreff, { showInWindowTitleBar: true });
  doc.setAuthor(absender.behoerde);
  doc.setSubject(inhalt.betreff);
  doc.setCreator('Aktenlauf');
  doc.setProducer('Aktenlauf (pdf-lib)');
  doc.setCreationDate(new Date(datumIso));
  doc.setModificationDate(new Date(datumIso));
  doc.catalog.set(PDFName.of('Lang'), PDFString.of('de-DE'));
  const meta = doc.context.stream(new Uint8Array(Buffer.from(xmp(inhalt.betreff, absender.behoerde, datumIso), 'utf8')), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(meta));

  const s = new Seiten(doc, f, `${absender.behoerde} · Schreiben vom ${deutschesDatum(b.datum)} · ${inhalt.betreff}`);
  s.neueSeite();
  briefkopf(s, f, absender, b);
  s.y = 103.4;
  s.absatz(inhalt.betreff, { size: 11, font: f.fett, abstand: 5 });
  s.absatz(b.daten.anrede?.trim() || anrede(b.empfaenger), { abstand: 2.5 });
  for (const a of inhalt.absaetze) s.absatz(a, { abstand: 2.5 });
  s.y += 2;
  for (const g of absender.gruss) s.absatz(g, { abstand: 0.5 });
  if (absender.maschinell) {
    s.y += 2;
    s.absatz(absender.maschinell, { size: 8 });
  }
  if (inhalt.anlagen.length) {
    s.y += 2;
    s.absatz('Anlagen', { font: f.fett, abstand: 0.5 });
    for (const an of inhalt.anlagen) s.absatz(`– ${an}`, { abstand: 0.5 });
  }
  if (inhalt.rechtsbehelfsbelehrung) {
    s.y += 4;
    s.absatz('Rechtsbehelfsbelehrung', { font: f.fett, abstand: 1 });
    s.absatz(vorlagen.rechtsbehelfsbelehrung(), { size: 9 });
  }
  if (mitWbaFormular(b)) wbaFormular(s, f, absender, b);

  const n = s.seiten.length;
  s.seiten.forEach((p, i) => fusszeile(p, f, absender, i + 1, n));
  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  return { pdf, seiten: n, betreff: inhalt.betreff };
}
