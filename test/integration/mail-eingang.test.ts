/**
 * E-mail intake on the real Temporal dev server, delivered over real SMTP (nodemailer → smtp-server):
 * the e-mail is stored as delivered, each document of it gets its `posteingang` workflow with quelle
 * 'mail', the relay's receipt day as Eingangsdatum and the hints of subject and text — and only then
 * "250". The same e-mail again starts nothing; too large, a foreign sender and a technical failure
 * are answered with the SMTP codes that make the relay bounce or retry. The rendered e-mail of a WBA
 * is recognised as one by `aktenlauf classify` (the built CLI, as the engine reads it).
 *
 * No worker polls the test's task queue: the workflows stay as started, their input is read from history.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { eingangWorkflowId, type EingangInput } from '../../domain/eingang';
import { createLogger } from '../../platform/logger';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import type { Config } from '../../platform/config';
import { einfachesPdf } from '../../connectors/buerger-app/simulator';
import { leseMail } from '../../connectors/mail/eingang';
import { IntakeWatcher } from '../../workers/intake-watcher';
import { starteMailEingang, type LaufenderMailEingang } from '../../workers/mail-eingang';
import { testConfig } from '../helpers/env';

const log = createLogger('test-mail-eingang', 'silent');
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'aktenlauf.js');
let cfg: Config;
let connection: Connection;
let client: Client;
let watcher: IntakeWatcher;
let smtp: LaufenderMailEingang;
const gestartet = new Set<string>();
const codec = () => codecFromConfig(cfg, false).codec;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const WBA_TEXT = [
  'Sehr geehrte Damen und Herren,',
  '',
  'hiermit beantrage ich die Weiterbewilligung der Leistungen nach dem SGB II (Bürgergeld) für meine',
  'Bedarfsgemeinschaft, BG-Nummer 96201BG0012345. Der Bewilligungszeitraum endet am 31.12.2026.',
  'In unseren Verhältnissen hat sich nichts geändert; Einkommen haben wir weiterhin keines.',
  '',
  'Mit freundlichen Grüßen',
  'Jürgen Weiß',
  '',
  '> Am 02.11.2026 schrieb das Jobcenter: Bitte denken Sie an Ihren Weiterbewilligungsantrag.',
].join('\n');

beforeAll(async () => {
  cfg = testConfig();
  connection = await connect(cfg.temporal.address);
  client = makeClient(connection, cfg.temporal.namespace, codec());
  watcher = new IntakeWatcher({ client, taskQueue: cfg.temporal.taskQueue, dataDir: cfg.dataDir, scannerDir: cfg.intake.scannerDir, storeDir: cfg.intake.storeDir, stableMs: 0, log });
  await watcher.init();
  smtp = await starteMailEingang({ watcher, log, host: '127.0.0.1', port: 0, maxBytes: 2 * 1024 * 1024, erlaubt: ['127.0.0.1', '::1'] });
});

afterAll(async () => {
  await smtp?.stop();
  for (const id of gestartet) await client.workflow.getHandle(id).terminate('Testende').catch(() => undefined);
  await connection?.close();
});

async function startInput(workflowId: string): Promise<EingangInput> {
  gestartet.add(workflowId);
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const attrs = history.events![0]!.workflowExecutionStartedEventAttributes!;
  expect(attrs.workflowType?.name).toBe('posteingang');
  const [payload] = await codec().decode(attrs.input!.payloads!);
  return defaultPayloadConverter.fromPayload<EingangInput>(payload!);
}

/** Delivers like the relay does; resolves with the server's answer, rejects with its refusal (err.responseCode). */
async function liefere(port: number, mail: Mail.Options): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000 });
  try {
    const info = await transport.sendMail({ from: 'Jürgen Weiß <j.weiss@example.org>', to: 'posteingang@jobcenter-goettingen.example', ...mail });
    return info.response;
  } finally {
    transport.close();
  }
}

/** Word files start with the ZIP signature: the preflight sees "Word" where a PDF was expected. */
const DOCX = Buffer.concat([Buffer.from('504b0304140006000800', 'hex'), Buffer.from('[Content_Types].xml word/document.xml '.repeat(20))]);

test('an e-mail with its own text and attachments: stored as delivered, one workflow per document, then 250', async () => {
  const kontoauszug = await einfachesPdf(['Kontoauszug Nr. 11/2026', 'Sparkasse Göttingen', `Test ${Date.now()}`]);
  const logo = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5d60000000049454e44ae426082', 'hex');
  const antwort = await liefere(smtp.port, {
    subject: `WBA und Kontoauszug ${Date.now()}`,
    date: new Date('2026-11-19T10:00:00Z'), // the sender's clock: not the Eingangsdatum
    // The relay's stamp: 20.11. 23:30 UTC is already the 21st in Berlin.
    headers: { Received: 'from mx1.kreis.example by relay.kreis.example with ESMTPS; Fri, 20 Nov 2026 23:30:00 +0000' },
    text: WBA_TEXT,
    html: `<p>${WBA_TEXT.replace(/\n/g, '<br>')}</p><img src="cid:logo@mail">`,
    attachments: [
      { filename: 'kontoauszug_november.pdf', content: kontoauszug, contentType: 'application/pdf' },
      { filename: 'Nebenkosten.docx', content: DOCX, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      { filename: 'logo.png', content: logo, cid: 'logo@mail' },
    ],
  });
  expect(antwort).toMatch(/^250 .*Übernommen: 3 Dokument\(e\), Eingangsdatum 2026-11-21/);

  const gespeichert = fs.readdirSync(path.join(cfg.dataDir, 'store', 'mail'));
  expect(gespeichert).toHaveLength(1);
  const eml = fs.readFileSync(path.join(cfg.dataDir, 'store', 'mail', gespeichert[0]!));
  expect(gespeichert[0]).toBe(`${sha(eml)}.eml`);
  expect(eml.toString('utf8')).toContain('Nebenkosten.docx');

  const mail = await leseMail(eml);
  expect(mail.dokumente.map((d) => d.dateiname)).toEqual([expect.stringMatching(/^E-Mail_WBA_und_Kontoauszug_\d+\.pdf$/), 'kontoauszug_november.pdf', 'Nebenkosten.docx']);
  expect(mail.ausgelassen).toBe(1); // the embedded logo
  const inputs = await Promise.all(mail.dokumente.map((d) => startInput(eingangWorkflowId(sha(d.inhalt)))));
  for (const input of inputs) {
    expect(input).toMatchObject({ quelle: 'mail', eingangsdatum: '2026-11-21', hinweise: { bgNummer: '96201BG0012345', betreff: expect.stringMatching(/^WBA und Kontoauszug/) } });
    expect(fs.readFileSync(path.join(cfg.dataDir, input.storedPath)).length).toBe(input.bytes);
  }
  expect(inputs.map((i) => [i.fileName, i.mediaType, path.extname(i.storedPath)])).toEqual([
    [mail.dokumente[0]!.dateiname, 'application/pdf', '.pdf'],
    ['kontoauszug_november.pdf', 'application/pdf', '.pdf'],
    ['Nebenkosten.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.docx'],
  ]);
  expect(sha(fs.readFileSync(path.join(cfg.dataDir, inputs[1]!.storedPath)))).toBe(sha(kontoauszug));

  // The relay delivers the same e-mail again (it missed our 250): accepted, nothing started twice.
  const nochmal = await watcher.nimmMail(eml);
  expect(nochmal.eingaenge.map((e) => e.result)).toEqual(['duplikat', 'duplikat', 'duplikat']);
  expect(nochmal.eingaenge.map((e) => e.workflowId)).toEqual(inputs.map((i) => eingangWorkflowId(i.contentHash)));

  // What the engine will read of the e-mail itself: a WBA of this household, in German.
  const datei = path.join(cfg.dataDir, 'wba-mail.pdf');
  fs.writeFileSync(datei, mail.dokumente[0]!.inhalt);
  const r = spawnSync(process.execPath, [BIN, 'classify', '--json', datei], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, AKTENLAUF_DATA_DIR: cfg.dataDir } });
  expect(r.stderr).toBe('');
  const erkannt = JSON.parse(r.stdout.trim()) as { pages: number; ocr: { used: boolean }; dokumentart: string; bgNummer: string | null };
  expect(erkannt).toMatchObject({ pages: 1, ocr: { used: false }, dokumentart: 'WBA', bgNummer: '96201BG0012345' }); // read from the text layer
});

test('a short cover note is no document of its own; an e-mail without attachments is', async () => {
  const bescheinigung = await einfachesPdf(['Arbeitsunfähigkeitsbescheinigung', `Test ${Date.now()}`]);
  const mitAnhang = await liefere(smtp.port, { subject: 'AU', text: 'Anbei die AU.\n\nGruß', attachments: [{ filename: 'au.pdf', content: bescheinigung }] });
  expect(mitAnhang).toContain('Übernommen: 1 Dokument(e)');
  expect((await startInput(eingangWorkflowId(sha(bescheinigung)))).fileName).toBe('au.pdf');

  const nurText = `Ich ziehe zum 01.01.2027 um. ${Date.now()}`;
  const raw = await new MailComposer({ from: 'a@example.org', to: 'posteingang@jobcenter.example', subject: 'Umzug', text: nurText, date: new Date('2026-11-25T08:00:00Z') }).compile().build();
  const ohneAnhang = await watcher.nimmMail(raw);
  expect(ohneAnhang.eingaenge).toHaveLength(1);
  expect(ohneAnhang.eingaenge[0]!.mailText).toBe(true);
  // Rendered the same way twice: the same bytes, the same workflow.
  const [a, b] = [await leseMail(raw), await leseMail(raw)];
  expect(sha(a.dokumente[0]!.inhalt)).toBe(sha(b.dokumente[0]!.inhalt));
  expect(ohneAnhang.eingaenge[0]!.workflowId).toBe(eingangWorkflowId(sha(a.dokumente[0]!.inhalt)));
  // No Received stamp of a relay: the day it arrived here.
  expect((await startInput(ohneAnhang.eingaenge[0]!.workflowId)).eingangsdatum).toBe(ohneAnhang.eingangsdatum);
});

test('too large, a foreign sender, a technical failure: refused with the SMTP code that makes the relay bounce or retry', async () => {
  const gross = Buffer.alloc(3 * 1024 * 1024, 1);
  await expect(liefere(smtp.port, { subject: 'groß', text: 'x', attachments: [{ filename: 'gross.pdf', content: gross }] })).rejects.toMatchObject({ responseCode: 552 });

  const fremd = await starteMailEingang({ watcher, log, host: '127.0.0.1', port: 0, maxBytes: 1024 * 1024, erlaubt: ['10.1.2.3'] });
  try {
    await expect(liefere(fremd.port, { subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 554 });
  } finally {
    await fremd.stop();
  }

  // Temporal hanging: the relay is not kept waiting, it gets 451 after the deadline.
  const haengt = await starteMailEingang({ watcher: { nimmMail: () => new Promise(() => undefined) }, log, host: '127.0.0.1', port: 0, maxBytes: 1024 * 1024, erlaubt: ['127.0.0.1', '::1'], antwortFristMs: 300 });
  try {
    await expect(liefere(haengt.port, { subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 451 });
  } finally {
    await haengt.stop();
  }

  let versuche = 0;
  const wackelig = await starteMailEingang({
    watcher: { nimmMail: async (roh) => (++versuche === 1 ? Promise.reject(new Error('Temporal nicht erreichbar')) : watcher.nimmMail(roh)) },
    log, host: '127.0.0.1', port: 0, maxBytes: 1024 * 1024, erlaubt: ['127.0.0.1', '::1'],
  });
  try {
    const mail = { subject: 'Nachweis', text: 'Anbei.', attachments: [{ filename: 'nachweis.pdf', content: await einfachesPdf([`Nachweis ${Date.now()}`]) }] };
    await expect(liefere(wackelig.port, mail)).rejects.toMatchObject({ responseCode: 451 });
    expect(await liefere(wackelig.port, mail)).toContain('Übernommen: 1 Dokument(e)');
    expect(versuche).toBe(2);
  } finally {
    await wackelig.stop();
  }
});

test('an e-mail that cannot be read as one is not refused forever: taken as it is, for the Quarantäne', async () => {
  const kaputt = new IntakeWatcher({
    client, taskQueue: cfg.temporal.taskQueue, dataDir: cfg.dataDir, scannerDir: cfg.intake.scannerDir, storeDir: cfg.intake.storeDir, stableMs: 0, log,
    mailLeser: async () => { throw new Error('Unerwartetes Ende der MIME-Struktur'); },
  });
  const roh = Buffer.from(`Subject: kaputt ${Date.now()}\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n`);
  const r = await kaputt.nimmMail(roh);
  expect(r.eingaenge).toEqual([{ workflowId: eingangWorkflowId(sha(roh)), result: 'gestartet', mailText: false }]);
  const input = await startInput(r.eingaenge[0]!.workflowId);
  expect(input).toMatchObject({ quelle: 'mail', fileName: 'E-Mail.eml', mediaType: 'message/rfc822', bytes: roh.length });
  expect(fs.existsSync(path.join(cfg.dataDir, 'store', 'mail', `${sha(roh)}.eml`))).toBe(true);
});
