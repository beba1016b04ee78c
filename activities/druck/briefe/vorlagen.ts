/**
 * Loads letter templates and the office's sender data. The shipped defaults live in
 * `vorlagen/` at the project root; a site overrides any file by putting one with the same name
 * into BRIEF_VORLAGEN_DIR (e.g. its own absender.json or WBA_ERINNERUNG.txt).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseVorlage, VorlagenFehler, type BriefVorlage } from '../../../domain/brief';

export const absenderSchema = z.object({
  behoerde: z.string().min(1),
  bereich: z.string().default(''),
  ruecksendeangabe: z.string().min(1),
  anschrift: z.array(z.string()).min(1),
  telefon: z.string().min(1),
  email: z.string().default(''),
  internet: z.string().default(''),
  oeffnungszeiten: z.array(z.string()).default([]),
  bank: z.array(z.string()).default([]),
  gruss: z.array(z.string()).min(1),
  maschinell: z.string().default(''),
});
export type Absender = z.infer<typeof absenderSchema>;

/** The shipped default templates (works from the source tree and from dist/). */
export function standardVorlagenDir(): string {
  for (const kandidat of [path.resolve(__dirname, '..', '..', '..', 'vorlagen'), path.resolve(__dirname, '..', '..', '..', '..', 'vorlagen')]) {
    if (fs.existsSync(path.join(kandidat, 'absender.json'))) return kandidat;
  }
  throw new Error('Briefvorlagen nicht gefunden (Ordner vorlagen/ fehlt)');
}

export class Vorlagen {
  private readonly dirs: string[];
  constructor(overrideDir?: string) {
    this.dirs = [overrideDir, standardVorlagenDir()].filter((d): d is string => Boolean(d));
  }

  private lese(datei: string): string {
    for (const d of this.dirs) {
      const p = path.join(d, datei);
      if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
    }
    throw new VorlagenFehler(`Vorlage ${datei} nicht gefunden.`);
  }

  vorlage(art: string): BriefVorlage {
    return parseVorlage(art, this.lese(`${art}.txt`));
  }

  absender(): Absender {
    const parsed = absenderSchema.safeParse(JSON.parse(this.lese('absender.json')));
    if (!parsed.success) throw new VorlagenFehler(`absender.json ist ungültig: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  rechtsbehelfsbelehrung(): string {
    return this.lese('rechtsbehelfsbelehrung.txt').replace(/\s+/g, ' ').trim();
  }
}
