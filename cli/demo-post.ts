/**
 * Demo post for the embedded default: at the first start of a data dir, a handful of generated
 * letters (born-digital, scanned, a batch with a separator sheet) written for households of the
 * simulated Landkreis are dropped into the scanner hot folder, so the Posteingang, the E-Akte
 * simulator and the Postkorb show work at once. Once per data dir (marker file); off with
 * AKTENLAUF_DEMO_POST=0.
 */
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Config } from '../platform/config';
import { haushalteAusLandkreis, korpusDateien } from '../testdaten/posteingang';

const ANZAHL = z.coerce.number().int().min(0).max(200).default(8);

export function demoPostAnzahl(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = ANZAHL.safeParse(env.AKTENLAUF_DEMO_POST);
  if (!parsed.success) throw new Error('AKTENLAUF_DEMO_POST muss eine ganze Zahl zwischen 0 und 200 sein.');
  return parsed.data;
}

/** Drops the demo letters once; returns how many were written (0 when already done or off). */
export async function legeDemoPostAb(cfg: Config, anzahl: number): Promise<number> {
  if (anzahl === 0) return 0;
  const marker = path.join(cfg.dataDir, 'demo-post.json');
  if (fs.existsSync(marker)) return 0;
  fs.mkdirSync(cfg.intake.scannerDir, { recursive: true });
  const haushalte = haushalteAusLandkreis(cfg.simulators.seed, cfg.simulators.households);
  const mix = { bornDigital: 50, scan: 25, fax: 0, foto: 0, stapel: 25 };
  let n = 0;
  for await (const datei of korpusDateien({ seed: 2026, anzahl, mix, haushalte })) {
    const ziel = path.join(cfg.intake.scannerDir, `demo-${String(n + 1).padStart(2, '0')}${path.extname(datei.name)}`);
    // The watcher ignores *.part: write, then rename, so it never takes a half-written file.
    fs.writeFileSync(`${ziel}.part`, datei.inhalt);
    fs.renameSync(`${ziel}.part`, ziel);
    n++;
  }
  fs.writeFileSync(marker, JSON.stringify({ angelegt: new Date().toISOString(), dateien: n }, null, 1));
  return n;
}

/**
 * One demo e-mail at the first start: a household of the simulated Landkreis asks for its
 * Weiterbewilligung in the text of an e-mail, delivered like the mail gateway would to the
 * intake's SMTP listener. Returns the server's answer.
 */
export async function sendeDemoMail(cfg: Config): Promise<string> {
  const h = haushalteAusLandkreis(cfg.simulators.seed, cfg.simulators.households).find((x) => x.personen.some((p) => p.rolle === 'antragsteller'))!;
  const p = h.personen.find((x) => x.rolle === 'antragsteller')!;
  const transport = nodemailer.createTransport({ host: cfg.intake.mail.host, port: cfg.intake.mail.port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({
      from: `${p.vorname} ${p.nachname} <${p.vorname.toLowerCase().replace(/[^a-z]/g, '')}.demo@example.org>`,
      to: 'posteingang@jobcenter.example',
      subject: `Weiterbewilligungsantrag ${h.bgNummer}`,
      text: [
        'Sehr geehrte Damen und Herren,',
        '',
        `hiermit beantrage ich die Weiterbewilligung der Leistungen nach dem SGB II für meine Bedarfsgemeinschaft (BG-Nummer ${h.bgNummer}).`,
        'In unseren Verhältnissen hat sich seit dem letzten Antrag nichts geändert.',
        '',
        'Mit freundlichen Grüßen',
        `${p.vorname} ${p.nachname}`,
        `${h.anschrift.strasse} ${h.anschrift.hausnummer}, ${h.anschrift.plz} ${h.anschrift.ort}`,
      ].join('\n'),
    });
    return info.response;
  } finally {
    transport.close();
  }
}
