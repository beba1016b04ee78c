/**
 * Where the capacity of the Online-Terminvergabe lives: `<data dir>/termine/kapazitaet.json`,
 * edited by IT-Administration in the console (validated, written atomically). Missing file =
 * the shipped default (domain/termine.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { STANDARD_KAPAZITAET, parseKapazitaet, type Kapazitaet } from '../../domain/termine';

export function kapazitaetDatei(dataDir: string): string {
  return path.join(dataDir, 'termine', 'kapazitaet.json');
}

export class KapazitaetStore {
  private cache?: { mtimeMs: number; k: Kapazitaet };
  constructor(readonly datei: string) {}

  static fuer(dataDir: string): KapazitaetStore {
    return new KapazitaetStore(kapazitaetDatei(dataDir));
  }

  lies(): Kapazitaet {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.datei);
    } catch {
      return STANDARD_KAPAZITAET;
    }
    if (this.cache && this.cache.mtimeMs === stat.mtimeMs) return this.cache.k;
    const p = parseKapazitaet(JSON.parse(fs.readFileSync(this.datei, 'utf8')));
    if (!p.ok) throw new Error(`Kapazitätsdatei ${this.datei} ist ungültig: ${p.fehler.join('; ')}`);
    this.cache = { mtimeMs: stat.mtimeMs, k: p.kapazitaet };
    return p.kapazitaet;
  }

  /** Validates and stores; returns the German errors if invalid. */
  schreibe(raw: unknown): { ok: true; kapazitaet: Kapazitaet } | { ok: false; fehler: string[] } {
    const p = parseKapazitaet(raw);
    if (!p.ok) return p;
    fs.mkdirSync(path.dirname(this.datei), { recursive: true });
    const tmp = `${this.datei}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(p.kapazitaet, null, 2) + '\n', { mode: 0o640 });
    fs.renameSync(tmp, this.datei);
    this.cache = undefined;
    return p;
  }
}
