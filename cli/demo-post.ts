/**
 * Demo post for the embedded default: at the first start of a data dir, a handful of generated
 * letters (born-digital, scanned, a batch with a separator sheet) written for households of the
 * simulated Landkreis are dropped into the scanner hot folder, so the Posteingang, the E-Akte
 * simulator and the Postkorb show work at once. Once per data dir (marker file); off with
 * AKTENLAUF_DEMO_POST=0.
 */
import fs from 'node:fs';
import path from 'node:path';
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
