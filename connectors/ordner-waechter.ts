/**
 * Waiting for answer files of a file interface (acknowledgements, import results): one `readdir` of the
 * answer folder per poll interval for all requests in flight, instead of every request probing its own
 * file names. With 50 documents waiting at once that is one directory read per interval rather than a
 * hundred failed opens (each a thrown error) — the same answers, found at the same moment.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Wartender {
  namen: readonly string[];
  bis: number;
  abgebrochen: () => boolean;
  fertig: (datei: string | null) => void;
}

export class OrdnerWaechter {
  readonly #wartende = new Set<Wartender>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly dir: string, private readonly pollMs: number) {}

  /**
   * Resolves with the full path of the first of `namen` (file names in the folder) that exists, or null
   * after `timeoutMs` or once `abgebrochen()` says so. Looks once at once, then with every poll.
   */
  warte(namen: readonly string[], timeoutMs: number, abgebrochen: () => boolean = () => false): Promise<string | null> {
    return new Promise((fertig) => {
      const w: Wartender = { namen, bis: Date.now() + timeoutMs, abgebrochen, fertig };
      void this.#sofort(w).then((gefunden) => {
        if (gefunden) return fertig(gefunden);
        this.#wartende.add(w);
        this.#plane();
      });
    });
  }

  async #sofort(w: Wartender): Promise<string | null> {
    for (const n of w.namen) {
      const p = path.join(this.dir, n);
      try {
        await fs.promises.access(p);
        return p;
      } catch {
        /* not there yet */
      }
    }
    return null;
  }

  #plane(): void {
    if (this.#timer || this.#wartende.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#runde().finally(() => this.#plane());
    }, this.pollMs);
  }

  async #runde(): Promise<void> {
    let vorhanden: Set<string> | undefined;
    try {
      vorhanden = new Set(await fs.promises.readdir(this.dir));
    } catch {
      vorhanden = undefined; // folder unreadable right now: only deadlines are checked this round
    }
    const jetzt = Date.now();
    for (const w of [...this.#wartende]) {
      const name = vorhanden ? w.namen.find((n) => vorhanden!.has(n)) : undefined;
      if (name) {
        this.#wartende.delete(w);
        w.fertig(path.join(this.dir, name));
      } else if (jetzt >= w.bis || w.abgebrochen()) {
        this.#wartende.delete(w);
        w.fertig(null);
      }
    }
  }
}
