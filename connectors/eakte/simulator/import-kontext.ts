/** What both import channels of the simulated DMS share. */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../../platform/logger';
import { berlinDate } from '../../../domain/zeit';
import type { ZipGrenzen } from '../shared/zip';
import type { Dms } from './dms';

export interface ProtokollEintrag {
  zeit: string;
  kanal: 'hotfolder' | 'xdomea';
  dokumentId?: string;
  ergebnis: 'abgelegt' | 'bereits vorhanden' | 'abgelehnt';
  code?: string;
  grund?: string;
}

export interface ImportKontext {
  dms: Dms;
  log: Logger;
  /** Current delays (options, overridden by injected faults). */
  einstellungen(): { importVerzoegerungMs: number; karenzMs: number };
  /** true when an injected import failure is due (consumes it). */
  technischerFehlerFaellig(): boolean;
  protokolliere(e: Omit<ProtokollEintrag, 'zeit'>): void;
  zipGrenzen: ZipGrenzen;
  maxDokumentBytes: number;
}

/** Moves a processed or refused file into <ziel>/<YYYY-MM-DD>/, never overwriting. */
export async function verschiebe(datei: string, zielDir: string): Promise<void> {
  const dir = path.join(zielDir, berlinDate(new Date()));
  await fs.promises.mkdir(dir, { recursive: true });
  let ziel = path.join(dir, path.basename(datei));
  for (let i = 1; fs.existsSync(ziel); i++) ziel = path.join(dir, `${path.basename(datei)}.${i}`);
  try {
    await fs.promises.rename(datei, ziel);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** First time a file name was seen in a folder (for import delay and grace time). */
export class Erstsichtung {
  readonly #gesehen = new Map<string, number>();
  aktualisiere(namen: string[], jetzt: number): void {
    const set = new Set(namen);
    for (const n of this.#gesehen.keys()) if (!set.has(n)) this.#gesehen.delete(n);
    for (const n of namen) if (!this.#gesehen.has(n)) this.#gesehen.set(n, jetzt);
  }
  alter(name: string, jetzt: number): number {
    return jetzt - (this.#gesehen.get(name) ?? jetzt);
  }
}

/** Counts unexpected failures per file, so a file that keeps failing is set aside. */
export class Fehlerzaehler {
  readonly #n = new Map<string, number>();
  zaehle(name: string): number {
    const n = (this.#n.get(name) ?? 0) + 1;
    this.#n.set(name, n);
    return n;
  }
  vergiss(name: string): void {
    this.#n.delete(name);
  }
}
