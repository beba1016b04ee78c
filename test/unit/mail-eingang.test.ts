/** Reading a received e-mail into documents (connectors/mail/eingang.ts): what becomes a document, which day, which hints. */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { leseMail, MAIL_TEXT_MINDESTLAENGE } from '../../connectors/mail/eingang';

const baue = (m: Mail.Options) => new MailComposer({ from: 'a@example.org', to: 'posteingang@jobcenter.example', date: new Date('2026-11-02T09:00:00Z'), ...m }).compile().build();
const JETZT = new Date('2026-11-27T12:00:00Z');
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

test('an HTML-only e-mail is rendered from its text; markup and scripts are not', async () => {
  const m = await leseMail(await baue({ subject: 'Umzug', html: '<p>Ich ziehe <b>um</b>.</p><script>alert(1)</script>' }), JETZT);
  expect(m.dokumente).toHaveLength(1);
  expect(m.dokumente[0]!.inhalt.subarray(0, 5).toString()).toBe('%PDF-');
  expect(m.dokumente[0]!.mailText).toBe('Ich ziehe um.');
});

test('the signature part of a signed e-mail is no document; the quoted history does not count as own text', async () => {
  const zitiert = Array.from({ length: 20 }, (_, i) => `> Zeile ${i} der alten Nachricht des Jobcenters mit viel Text`).join('\n');
  const m = await leseMail(await baue({
    subject: 'Re: Unterlagen',
    text: `Anbei.\n\n${zitiert}`,
    attachments: [{ filename: 'lohn.pdf', content: PDF }, { filename: 'smime.p7s', content: Buffer.from('30820a', 'hex'), contentType: 'application/pkcs7-signature' }],
  }), JETZT);
  expect(zitiert.length).toBeGreaterThan(MAIL_TEXT_MINDESTLAENGE);
  expect(m.dokumente.map((d) => d.dateiname)).toEqual(['lohn.pdf']);
  expect(m.ausgelassen).toBe(1);
});

test('Eingangsdatum: the gateway\'s Received stamp; none, one in the future or one older than a week: now', async () => {
  const mitStempel = await leseMail(await baue({ subject: 'x', text: 'x', headers: { Received: 'from a by gw; Mon, 23 Nov 2026 22:59:00 +0000' } }), JETZT);
  expect(mitStempel.eingangsdatum).toBe('2026-11-23'); // 23:59 in Berlin
  const ohne = await leseMail(await baue({ subject: 'x', text: 'x' }), JETZT);
  expect(ohne.eingangsdatum).toBe('2026-11-27');
  const zukunft = await leseMail(await baue({ subject: 'x', text: 'x', headers: { Received: 'from a by gw; Tue, 01 Dec 2026 08:00:00 +0000' } }), JETZT);
  expect(zukunft.eingangsdatum).toBe('2026-11-27');
  const kaputt = await leseMail(await baue({ subject: 'x', text: 'x', headers: { Received: 'from a by gw; gestern' } }), JETZT);
  expect(kaputt.eingangsdatum).toBe('2026-11-27');
  // Older than any mail queue holds a message: not our gateway's stamp (a WBA must not be backdated by a header).
  const alt = await leseMail(await baue({ subject: 'x', text: 'x', headers: { Received: 'from a by gw; Mon, 06 Jan 2020 08:00:00 +0000' } }), JETZT);
  expect(alt.eingangsdatum).toBe('2026-11-27');
  const vorTagen = await leseMail(await baue({ subject: 'x', text: 'x', headers: { Received: 'from a by gw; Sat, 21 Nov 2026 08:00:00 +0000' } }), JETZT);
  expect(vorTagen.eingangsdatum).toBe('2026-11-21'); // a weekend in the queue is real
});

test('a BG-Nummer is a hint only when subject and text name exactly one', async () => {
  const eine = await leseMail(await baue({ subject: 'BG 96201BG0012345', text: 'Meine BG-Nummer: 96201BG0012345' }), JETZT);
  expect(eine.bgNummer).toBe('96201BG0012345');
  const zwei = await leseMail(await baue({ subject: 'BG 96201BG0012345', text: 'und die meiner Tochter 96201BG0054321' }), JETZT);
  expect(zwei.bgNummer).toBeUndefined();
});

test('an empty e-mail still becomes a document a person sees; an attachment without a name gets one', async () => {
  const leer = await leseMail(await baue({}), JETZT);
  expect(leer.dokumente).toEqual([expect.objectContaining({ mailText: '', dateiname: 'E-Mail.pdf' })]);
  // Written by hand: composers name every attachment themselves, some senders do not.
  const roh = [
    'From: a@example.org', 'To: posteingang@jobcenter.example', 'Subject: Scan', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="g"', '',
    '--g', 'Content-Type: text/plain; charset=utf-8', '', 'x', '--g', 'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment', '',
    PDF.toString('base64'), '--g--', '',
  ].join('\r\n');
  const ohneName = await leseMail(Buffer.from(roh), JETZT);
  expect(ohneName.dokumente.map((d) => [d.dateiname, d.mediaType, d.inhalt.equals(PDF)])).toEqual([['Anhang_1', 'application/pdf', true]]);
});

test('HTML-only inside a multipart message (with a logo, with an attachment): the text is read, quoted blocks do not count', async () => {
  const widerspruch = '<p>Hiermit lege ich <b>Widerspruch</b> gegen den Bescheid vom 02.11.2026 ein. Die Kosten der Unterkunft wurden nicht in voller Höhe anerkannt, obwohl die Miete angemessen ist. Begründung folgt.</p>';
  const mitLogo = await leseMail(await baue({ subject: 'Rückruf', html: `<p>Bitte rufen Sie mich zurück: 0551 123456.</p><img src="cid:logo@x">`, attachments: [{ filename: 'logo.png', content: Buffer.from('89504e470d0a1a0a', 'hex'), cid: 'logo@x' }] }), JETZT);
  expect(mitLogo.dokumente).toHaveLength(1);
  expect(mitLogo.dokumente[0]!.mailText).toBe('Bitte rufen Sie mich zurück: 0551 123456.');
  const mitAnhang = await leseMail(await baue({ subject: 'Widerspruch', html: widerspruch, attachments: [{ filename: 'bescheid.pdf', content: PDF }] }), JETZT);
  expect(mitAnhang.dokumente.map((d) => d.dateiname)).toEqual(['E-Mail_Widerspruch.pdf', 'bescheid.pdf']);
  expect(mitAnhang.dokumente[0]!.mailText).toContain('Hiermit lege ich Widerspruch gegen den Bescheid vom 02.11.2026 ein.');
  // A short answer above a long quoted HTML history: no document of its own.
  const zitat = `<p>Anbei.</p><blockquote>${widerspruch.repeat(3)}</blockquote>`;
  const antwort = await leseMail(await baue({ subject: 'AW: Unterlagen', html: zitat, attachments: [{ filename: 'lohn.pdf', content: PDF }] }), JETZT);
  expect(antwort.dokumente.map((d) => d.dateiname)).toEqual(['lohn.pdf']);
});

test('which e-mails are the same document: a redelivery with a new Received stamp is; two different empty ones are not', async () => {
  const roh = (received: string, rumpf: string) => Buffer.from([
    `Received: from mx by gw; ${received}`, 'From: a@example.org', 'To: posteingang@jobcenter.example', 'Subject: ohne Datum', '', rumpf, '',
  ].join('\r\n'));
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const erste = await leseMail(roh('Fri, 20 Nov 2026 10:15:00 +0000', 'Bitte um Rückruf.'), JETZT);
  const zweite = await leseMail(roh('Fri, 20 Nov 2026 10:20:00 +0000', 'Bitte um Rückruf.'), JETZT);
  expect(sha(erste.dokumente[0]!.inhalt)).toBe(sha(zweite.dokumente[0]!.inhalt));
  const leer = await leseMail(roh('Fri, 20 Nov 2026 10:15:00 +0000', ''), JETZT);
  const unsinn = await leseMail(Buffer.from('\u0000\u0001 kein MIME, kein Kopf'), JETZT);
  expect(sha(leer.dokumente[0]!.inhalt)).not.toBe(sha(unsinn.dokumente[0]!.inhalt));
  expect(sha(leer.dokumente[0]!.inhalt)).not.toBe(sha(erste.dokumente[0]!.inhalt));
});
