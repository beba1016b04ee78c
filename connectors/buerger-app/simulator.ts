/**
 * Simulator of the citizen app's backend: builds messages in the app's XML format (./README.md)
 * with realistic senders and PDF attachments, and delivers them to the engine the way the app
 * does (HTTP POST with bearer token, or a file in the drop folder). For development, tests and the demo.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Faker, de } from '@faker-js/faker';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { AnhangMediaType } from './port';

export interface SimAnhang {
  dateiname: string;
  mediaType: AnhangMediaType | string;
  inhalt: Buffer;
}

export interface SimNachricht {
  nachrichtId?: string;
  absender: { vorname?: string; nachname?: string; geburtsdatum?: string; email?: string; kundennummer?: string };
  bgNummer?: string;
  betreff?: string;
  /** ISO 8601 instant with offset. */
  eingang: string;
  anhaenge: SimAnhang[];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The message as the app sends it. */
export function baueNachricht(n: SimNachricht): string {
  const feld = (name: string, wert?: string) => (wert === undefined ? '' : `    <${name}>${esc(wert)}</${name}>\n`);
  const a = n.absender;
  const b64 = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\n');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Nachricht version="1"${n.nachrichtId ? ` id="${esc(n.nachrichtId)}"` : ''}>\n` +
    '  <Absender>\n' +
    feld('Vorname', a.vorname) +
    feld('Nachname', a.nachname) +
    feld('Geburtsdatum', a.geburtsdatum) +
    feld('EMail', a.email) +
    feld('Kundennummer', a.kundennummer) +
    '  </Absender>\n' +
    (n.bgNummer ? `  <BGNummer>${esc(n.bgNummer)}</BGNummer>\n` : '') +
    (n.betreff ? `  <Betreff>${esc(n.betreff)}</Betreff>\n` : '') +
    `  <Eingang>${esc(n.eingang)}</Eingang>\n` +
    n.anhaenge.map((x) => `  <Anhang dateiname="${esc(x.dateiname)}" mimeType="${esc(x.mediaType)}">\n${b64(x.inhalt)}\n  </Anhang>\n`).join('') +
    '</Nachricht>\n'
  );
}

/** A one-page born-digital PDF with the given lines (the kind of file citizens upload from the app's form). */
export async function einfachesPdf(zeilen: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  zeilen.forEach((z, i) => page.drawText(z.replace(/[^\x20-\x7E\u00A0-\u00FF]/g, '?'), { x: 60, y: 770 - i * 18, size: 11, font }));
  doc.setCreationDate(new Date(Date.UTC(2026, 0, 1)));
  doc.setModificationDate(new Date(Date.UTC(2026, 0, 1)));
  return Buffer.from(await doc.save());
}

const BETREFFE = ['Weiterbewilligungsantrag', 'Kontoauszüge', 'Lohnabrechnung Oktober', 'Veränderungsmitteilung', 'Mietvertrag', 'Nachweis', 'Widerspruch'];

/** A realistic message from a seeded simulated citizen. `eingang` defaults to now. */
export async function simuliereNachricht(seed: number, opts: { eingang?: Date; anhaenge?: number; bgNummer?: string } = {}): Promise<SimNachricht> {
  const f = new Faker({ locale: [de] });
  f.seed(seed);
  const vorname = f.person.firstName();
  const nachname = f.person.lastName();
  const betreff = f.helpers.arrayElement(BETREFFE);
  const anzahl = opts.anhaenge ?? f.number.int({ min: 1, max: 3 });
  const anhaenge: SimAnhang[] = [];
  for (let i = 0; i < anzahl; i++) {
    const inhalt = await einfachesPdf([
      `${vorname} ${nachname}`,
      f.location.streetAddress(),
      `${f.location.zipCode()} ${f.location.city()}`,
      '',
      `Betreff: ${betreff} (Anlage ${i + 1})`,
      opts.bgNummer ? `BG-Nr. ${opts.bgNummer}` : '',
      '',
      'Sehr geehrte Damen und Herren,',
      `anbei sende ich Ihnen die Unterlagen (${seed}-${i}).`,
      'Mit freundlichen Grüßen',
    ]);
    anhaenge.push({ dateiname: `${betreff.replace(/\s+/g, '_')}_${i + 1}.pdf`, mediaType: 'application/pdf', inhalt });
  }
  const eingang = (opts.eingang ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    nachrichtId: `APP-${seed}`,
    absender: {
      vorname,
      nachname,
      geburtsdatum: f.date.birthdate({ min: 18, max: 65, mode: 'age' }).toISOString().slice(0, 10),
      email: f.internet.email({ firstName: vorname, lastName: nachname }).toLowerCase(),
    },
    bgNummer: opts.bgNummer,
    betreff,
    eingang,
    anhaenge,
  };
}

/** Delivers a message like the app does: POST application/xml with bearer token. Returns status and JSON body. */
export async function sendeNachricht(url: string, token: string, xml: string | Buffer): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml; charset=utf-8', authorization: `Bearer ${token}` }, body: xml });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** Delivers a message into a drop folder atomically (write .part, fsync, rename). Returns the file's path. */
export async function legeNachrichtAb(ordner: string, name: string, xml: string): Promise<string> {
  await fs.mkdir(ordner, { recursive: true });
  const ziel = path.join(ordner, path.basename(name).replace(/\.xml$/i, '') + '.xml');
  const tmp = `${ziel}.part`;
  const fh = await fs.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(xml);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, ziel);
  return ziel;
}
