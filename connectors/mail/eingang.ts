/**
 * E-mail into the Posteingang: one received message (RFC 5322 bytes, as the Jobcenter's mail
 * relay hands it over by SMTP) becomes the documents the engine takes in:
 *  - every attachment is a document of its own, whatever its type: PDF/TIFF/PNG/JPEG are read,
 *    anything else (Word, ZIP…) reaches the Quarantäne with the preflight's German reason, so a
 *    person sees it; images embedded in the HTML (logos, icons under 50 KB) and the signature
 *    parts of signed e-mails are not documents;
 *  - the e-mail itself is rendered as a PDF with a text layer (Von, An, Datum, Betreff, Kennung,
 *    text; HTML turned into text) when it says something of its own: no attachment, or a text of at
 *    least 160 characters beyond the quoted lines ("Anbei meine Kontoauszüge" stays in the stored
 *    e-mail; its subject is shown with each attachment). A WBA written into an e-mail is recognised
 *    like one on paper.
 * The rendering is deterministic (the sender's date, the Message-ID or a hash without transport
 * headers), so the same e-mail delivered twice yields the same bytes and starts nothing the second
 * time, and two different e-mails never render alike.
 * Eingangsdatum: the day the message reached the Jobcenter — the relay's own Received stamp
 * (the topmost one), not the sender's Date header; never later than now, never more than 7 days back.
 */
import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { PDFDocument, rgb } from 'pdf-lib';
import { findeBgNummern } from '../../domain/identifiers';
import { berlinDate, berlinDatumUhrzeit } from '../../domain/zeit';
import { dejavuBytes, fontkitMitCache, umbrechen } from '../../platform/pdf-schrift';

export interface MailDokument {
  dateiname: string;
  mediaType: string;
  inhalt: Buffer;
  /** The rendered e-mail itself: the text it shows below the header lines. */
  mailText?: string;
}

export interface EingegangeneMail {
  eingangsdatum: string;
  betreff?: string;
  /** Exactly one valid BG-Nummer in subject or text: a hint for the household match (checked like anything read). */
  bgNummer?: string;
  dokumente: MailDokument[];
  /** Embedded images and signature parts left out (kept in the stored e-mail). */
  ausgelassen: number;
}

export const MAIL_TEXT_MINDESTLAENGE = 160;
const EINGEBETTET_MAX_BYTES = 50 * 1024;
/** Mail queues give up after 5 days (RFC 5321 suggests 4–5); an older stamp did not come from our gateway. */
const RECEIVED_HOECHSTENS_MS = 7 * 86_400_000;
const MAX_TEXT_ZEICHEN = 60_000;
/** Signature parts of signed e-mails (S/MIME, OpenPGP): no document of their own. */
const SIGNATUREN = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pgp-signature']);

function adressen(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

/** The time the relay received the message: the date of the topmost Received header. */
function empfangen(mail: ParsedMail): Date | undefined {
  const received = mail.headers.get('received');
  const oberster = Array.isArray(received) ? received[0] : received;
  if (typeof oberster !== 'string') return undefined;
  const stempel = oberster.slice(oberster.lastIndexOf(';') + 1).trim();
  const t = new Date(stempel);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

/** The visible text of an HTML body (no images, no link targets, quoted blocks marked with ">"). */
function htmlAlsText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'blockquote', options: { trimEmptyLines: true } },
    ],
  }).trim();
}

/** Header fields a relay adds on the way: not part of what the sender wrote. */
const TRANSPORT_KOEPFE = /^(received|return-path|delivered-to|x-[a-z0-9-]+):/i;

/**
 * What identifies the e-mail itself: its Message-ID, else a hash of the message without the header
 * fields added in transport (the same e-mail redelivered → the same Kennung; two different ones → two).
 */
function kennungVon(mail: ParsedMail, roh: Buffer): string {
  const id = mail.messageId?.trim();
  if (id) return id.slice(0, 200);
  const t = roh.toString('latin1');
  const trenner = /\r?\n\r?\n/.exec(t);
  const kopf = trenner ? t.slice(0, trenner.index) : t;
  const rumpf = trenner ? t.slice(trenner.index) : '';
  const felder: string[] = [];
  for (const zeile of kopf.split(/\r?\n/)) {
    if (/^[ \t]/.test(zeile) && felder.length > 0) felder[felder.length - 1] += zeile;
    else felder.push(zeile);
  }
  const eigen = felder.filter((f) => !TRANSPORT_KOEPFE.test(f)).join('\n');
  return `sha256:${createHash('sha256').update(eigen + rumpf, 'latin1').digest('hex').slice(0, 24)}`;
}

/** The text the sender wrote, without quoted lines of earlier messages. */
function eigenerText(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((z) => !z.trimStart().startsWith('>'))
    .join('\n')
    .trim();
}

function sauber(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').replace(/\t/g, '    ');
}

const MM = 72 / 25.4;

/** The e-mail as an A4 PDF with a text layer. Deterministic for the same message. */
export async function mailAlsPdf(m: { von: string; an: string; datum?: Date; betreff: string; text: string; kennung: string }): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false }); // no creation date of today: the same e-mail, the same bytes
  doc.registerFontkit(fontkitMitCache);
  const fonts = dejavuBytes();
  const font = await doc.embedFont(fonts.regular, { subset: true });
  const fett = await doc.embedFont(fonts.bold, { subset: true });
  doc.setTitle(`E-Mail: ${m.betreff || '(ohne Betreff)'}`);
  doc.setProducer('Aktenlauf Posteingang');
  doc.setCreator('Aktenlauf Posteingang');
  if (m.datum) {
    doc.setCreationDate(m.datum);
    doc.setModificationDate(m.datum);
  }
  const breite = 170 * MM;
  const groesse = 10;
  const zeilenHoehe = 13;
  let page = doc.addPage([210 * MM, 297 * MM]);
  let y = page.getHeight() - 25 * MM;
  const neueSeiteWennNoetig = () => {
    if (y >= 20 * MM) return;
    page = doc.addPage([210 * MM, 297 * MM]);
    y = page.getHeight() - 25 * MM;
  };
  const datum = m.datum ? berlinDatumUhrzeit(m.datum) : '(ohne Datum)';
  for (const [label, wert] of [['Von', m.von], ['An', m.an], ['Datum', datum], ['Betreff', m.betreff || '(ohne Betreff)'], ['Kennung', m.kennung]] as const) {
    page.drawText(`${label}:`, { x: 20 * MM, y, size: groesse, font: fett });
    const zeilen = umbrechen(sauber(wert), font, groesse, breite - 25 * MM);
    for (const z of zeilen.length ? zeilen : ['']) {
      page.drawText(z, { x: 45 * MM, y, size: groesse, font });
      y -= zeilenHoehe;
      neueSeiteWennNoetig();
    }
  }
  page.drawLine({ start: { x: 20 * MM, y: y + 4 }, end: { x: 190 * MM, y: y + 4 }, thickness: 0.5, color: rgb(0.4, 0.4, 0.4) });
  y -= zeilenHoehe;
  for (const absatz of sauber(m.text).slice(0, MAX_TEXT_ZEICHEN).split(/\r?\n/)) {
    const zeilen = absatz.trim() === '' ? [''] : umbrechen(absatz, font, groesse, breite);
    for (const z of zeilen) {
      neueSeiteWennNoetig();
      if (z) page.drawText(z, { x: 20 * MM, y, size: groesse, font });
      y -= zeilenHoehe;
    }
  }
  return Buffer.from(await doc.save({ useObjectStreams: false, objectsPerTick: Infinity }));
}

function dateinameFuer(betreff: string): string {
  const teil = betreff.replace(/[^\p{L}\p{N} _-]/gu, '').trim().replace(/\s+/g, '_').slice(0, 60);
  return `E-Mail${teil ? `_${teil}` : ''}.pdf`;
}

/** Parses one received message into the documents to take in. Throws only on unreadable bytes. */
export async function leseMail(roh: Buffer, jetzt: Date = new Date()): Promise<EingegangeneMail> {
  const mail = await simpleParser(roh, { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
  const relay = empfangen(mail);
  // A stamp in the future, or older than a mail queue ever holds a message (then not the gateway's own), counts as now.
  const zeitpunkt = relay && relay.getTime() <= jetzt.getTime() && jetzt.getTime() - relay.getTime() <= RECEIVED_HOECHSTENS_MS ? relay : jetzt;
  const betreff = mail.subject?.trim() ? sauber(mail.subject.trim()).slice(0, 300) : undefined;
  // mailparser gives `text` for plain-text parts only when the HTML is a part of a multipart message:
  // an HTML-only e-mail (the usual kind from webmail and phones) is turned into text here.
  const text = mail.text ?? (typeof mail.html === 'string' ? htmlAlsText(mail.html) : '');
  const eigen = eigenerText(text);

  const dokumente: MailDokument[] = [];
  let ausgelassen = 0;
  for (const [i, a] of mail.attachments.entries()) {
    const signatur = SIGNATUREN.has(a.contentType.toLowerCase());
    if (signatur || (a.related && a.contentType.startsWith('image/') && a.size < EINGEBETTET_MAX_BYTES)) {
      ausgelassen++;
      continue;
    }
    dokumente.push({ dateiname: a.filename?.trim() || `Anhang_${i + 1}`, mediaType: a.contentType || 'application/octet-stream', inhalt: a.content });
  }
  if (dokumente.length === 0 || eigen.length >= MAIL_TEXT_MINDESTLAENGE) {
    // Only the sender's own date is printed (a redelivery gets a new Received stamp: it must render the same);
    // the Kennung tells apart e-mails that look alike (two empty ones are two documents).
    const pdf = await mailAlsPdf({ von: adressen(mail.from), an: adressen(mail.to), datum: mail.date, betreff: betreff ?? '', text, kennung: kennungVon(mail, roh) });
    dokumente.unshift({ dateiname: dateinameFuer(betreff ?? ''), mediaType: 'application/pdf', inhalt: pdf, mailText: text });
  }
  const bg = [...new Set(findeBgNummern(`${betreff ?? ''}\n${eigen}`))];
  return {
    eingangsdatum: berlinDate(zeitpunkt),
    ...(betreff ? { betreff } : {}),
    ...(bg.length === 1 ? { bgNummer: bg[0] } : {}),
    dokumente,
    ausgelassen,
  };
}
