/**
 * mail: what the e-mail intake costs per document against the scanner hot folder (baseline), side by
 * side in one run on the same machine. Both store every document durably (fsync) and start its
 * workflow; the Temporal client is a counting stand-in, so the figures are the intake's own work —
 * for e-mail: SMTP, MIME parsing, storing the e-mail as delivered, and (for mails with text of their
 * own) rendering the e-mail as a PDF. The SMTP client (nodemailer) runs in the same process and is
 * counted too.
 *
 *   npm run bench -- mail [--mails=200] [--mit-text=0.5]
 *
 * --mit-text: share of e-mails with ≥ 160 characters of their own text (rendered as an extra document).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Client } from '@temporalio/client';
import { createLogger } from '../platform/logger';
import { IntakeWatcher } from '../workers/intake-watcher';
import { starteMailEingang } from '../workers/mail-eingang';
import { option } from './_optionen';

async function brief(i: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText(`Kontoauszug Nr. ${i}`, { x: 60, y: 760, size: 14, font });
  page.drawText(`Buchungen des Monats, laufende Nummer ${i}`, { x: 60, y: 730, size: 11, font });
  return Buffer.from(await doc.save());
}

function cpuMs(seit: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(seit);
  return (d.user + d.system) / 1000;
}

export async function run(args: string[]): Promise<void> {
  const n = Math.round(option(args, 'mails', 200));
  const mitText = Math.min(1, option(args, 'mit-text', 0.5, true));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mail-'));
  let starts = 0;
  const client = { workflow: { start: async () => { starts += 1; return {}; } } } as unknown as Client;
  const log = createLogger('bench-mail', 'silent');
  const neu = (name: string) => {
    const dataDir = path.join(root, name);
    return new IntakeWatcher({ client, taskQueue: 'bench', dataDir, scannerDir: path.join(dataDir, 'intake', 'scanner'), storeDir: path.join(dataDir, 'store', 'eingang'), stableMs: 0, log });
  };
  const pdfs = await Promise.all(Array.from({ length: 2 * n }, (_, i) => brief(i)));
  const text = 'Sehr geehrte Damen und Herren, anbei sende ich Ihnen wie gewünscht meinen Kontoauszug für den letzten Monat. Bei Rückfragen erreichen Sie mich vormittags telefonisch. Mit freundlichen Grüßen';

  // Baseline: the scanner hot folder, every file alone (as a single scan arrives).
  const ordner = neu('ordner');
  await ordner.init();
  const scannerDir = path.join(root, 'ordner', 'intake', 'scanner');
  let t0 = process.hrtime.bigint();
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(scannerDir, `scan-${i}.pdf`), pdfs[i]!);
  let genommen = 0;
  while (genommen < n) genommen += (await ordner.sweep()).length;
  const ordnerMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const ordnerCpu = cpuMs(cpu0);
  const ordnerStarts = starts;

  // E-mail: one attachment each, a share with text of their own; delivered over SMTP, one connection at a time.
  const mail = neu('mail');
  await mail.init();
  const smtp = await starteMailEingang({ watcher: mail, log, host: '127.0.0.1', port: 0, maxBytes: 30 * 1024 * 1024, erlaubt: ['127.0.0.1', '::1'] });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  starts = 0;
  t0 = process.hrtime.bigint();
  cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const langerText = i < n * mitText;
    await transport.sendMail({
      from: 'buerger@example.org', to: 'posteingang@jobcenter.example', subject: `Kontoauszug ${i}`,
      text: langerText ? `${text} (${i})` : 'Anbei.', attachments: [{ filename: `kontoauszug-${i}.pdf`, content: pdfs[n + i]! }],
    });
  }
  const mailMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const mailCpu = cpuMs(cpu0);
  const mailStarts = starts;
  transport.close();
  await smtp.stop();
  fs.rmSync(root, { recursive: true, force: true });

  const proDok = (ms: number, docs: number) => (ms / docs).toFixed(2);
  process.stdout.write(`  Scanner-Ordner: ${n} Dateien → ${ordnerStarts} Starts in ${(ordnerMs / 1000).toFixed(2)} s, ${proDok(ordnerCpu, ordnerStarts)} ms CPU je Dokument\n`);
  process.stdout.write(`  E-Mail (SMTP):  ${n} E-Mails → ${mailStarts} Starts (${Math.round(n * mitText)} mit eigenem Text als Dokument) in ${(mailMs / 1000).toFixed(2)} s, ${proDok(mailCpu, mailStarts)} ms CPU je Dokument, ${proDok(mailCpu, n)} ms je E-Mail\n`);
  const ratio = mailCpu / mailStarts / (ordnerCpu / ordnerStarts);
  process.stdout.write(`mail: mails=${n} docs=${mailStarts} cpu_ratio_per_doc=${ratio.toFixed(2)} mails_per_s=${(n / (mailMs / 1000)).toFixed(1)} folder_docs_per_s=${(ordnerStarts / (ordnerMs / 1000)).toFixed(1)}\n`);
}
