/**
 * The simulated print-and-mail centre behind both simulators (drop folder and HTTP API):
 * receives batches, checks every letter as a real centre does (preflight.ts: PDF, encryption,
 * A4 portrait, fonts, DIN 5008 window), flags documents it has already received (same SHA-256
 * checksum: flagged, not printed twice) and lets each letter progress over time:
 *
 *   angenommen → in_verarbeitung → im_druckzentrum → an_post_uebergeben  (or → fehler)
 *
 * A letter's state is a function of the clock (received at t0, each step after its configured
 * duration), so the progression survives a restart and tests can drive it with a fake clock.
 * Rejects become visible at the processing step. State is kept in a JSON file under the
 * simulator's directory (no PDFs: only checksums and results).
 */
import fs from 'node:fs';
import path from 'node:path';
import { berlinDate } from '../../../domain/zeit';
import type { Logger } from '../../../platform/logger';
import { FEHLERCODES, type Fehlercode } from '../fehlercodes';
import { gesamtStatus, type DruckStatus, type Versandart } from '../port';
import { pruefeBrief, sha256 } from '../preflight';

export interface SchrittDauern {
  /** angenommen → in_verarbeitung (checks run here; rejects appear). */
  verarbeitungMs: number;
  /** in_verarbeitung → im_druckzentrum. */
  druckzentrumMs: number;
  /** im_druckzentrum → an_post_uebergeben. */
  postMs: number;
}

/** The demo: a letter reaches the post within about 15 s. */
export const DEMO_SCHRITTE: SchrittDauern = { verarbeitungMs: 3000, druckzentrumMs: 6000, postMs: 6000 };

export interface ZentrumOptionen {
  schritte?: Partial<SchrittDauern>;
  now?: () => number;
  /** JSON file for the centre's state; none = memory only. */
  stateFile?: string;
  log: Logger;
}

export interface SimBrief {
  briefId: string;
  sha256: string;
  seiten: number;
  versandart: Versandart;
  eingang: number;
  /** Outcome of the checks, decided at receipt, visible from the processing step on. */
  fehler?: { code: Fehlercode; grund: string };
  /** Protocol-specific data (E-POST letter id, file name, custom fields …). */
  extra: Record<string, string | number | boolean>;
}

export interface SimAuftrag {
  batchId: string;
  zentrumsauftrag: string;
  eingang: number;
  briefe: SimBrief[];
  /** A reject of the whole batch (e.g. invalid manifest). */
  fehler?: { code: Fehlercode; grund: string };
}

export interface SimBriefStatus {
  briefId: string;
  status: DruckStatus;
  fehlercode?: string;
  grund?: string;
  postausgangsdatum?: string;
  /** Instant of the current state (ms). */
  seit: number;
}

export interface EingangsBrief {
  briefId: string;
  pdf: Buffer;
  seiten?: number;
  versandart?: Versandart;
  /** A reject decided by the transport (missing file, wrong checksum) before any PDF check. */
  vorabFehler?: { code: Fehlercode; grund?: string };
  extra?: Record<string, string | number | boolean>;
}

interface Zustand {
  laufnummer: number;
  auftraege: SimAuftrag[];
  /** How often each batch id was received (a second receipt is an adapter bug). */
  empfangen: Record<string, number>;
  /** How often each letter id was received, over all batches (exactly once expected). */
  briefEmpfaenge: Record<string, number>;
}

export class DruckzentrumSimulation {
  readonly schritte: SchrittDauern;
  readonly now: () => number;
  private readonly log: Logger;
  private readonly stateFile?: string;
  private readonly auftraege = new Map<string, SimAuftrag>();
  private readonly pruefsummen = new Map<string, string>();
  private readonly empfangen = new Map<string, number>();
  private readonly briefEmpfaenge = new Map<string, number>();
  private laufnummer = 0;

  constructor(o: ZentrumOptionen) {
    this.schritte = { ...DEMO_SCHRITTE, ...o.schritte };
    this.now = o.now ?? Date.now;
    this.log = o.log;
    this.stateFile = o.stateFile;
    this.lade();
  }

  private lade(): void {
    if (!this.stateFile || !fs.existsSync(this.stateFile)) return;
    try {
      const z = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as Zustand;
      this.laufnummer = z.laufnummer;
      for (const a of z.auftraege) this.merke(a);
      for (const [k, v] of Object.entries(z.empfangen)) this.empfangen.set(k, v);
      for (const [k, v] of Object.entries(z.briefEmpfaenge ?? {})) this.briefEmpfaenge.set(k, v);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'simulator state unreadable, starting empty');
    }
  }

  private speichere(): void {
    if (!this.stateFile) return;
    const z: Zustand = { laufnummer: this.laufnummer, auftraege: [...this.auftraege.values()], empfangen: Object.fromEntries(this.empfangen), briefEmpfaenge: Object.fromEntries(this.briefEmpfaenge) };
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(z));
    fs.renameSync(tmp, this.stateFile);
  }

  private merke(a: SimAuftrag): void {
    this.auftraege.set(a.batchId, a);
    for (const b of a.briefe) if (!b.fehler && !this.pruefsummen.has(b.sha256)) this.pruefsummen.set(b.sha256, a.batchId);
  }

  auftrag(batchId: string): SimAuftrag | undefined {
    return this.auftraege.get(batchId);
  }

  alleAuftraege(): SimAuftrag[] {
    return [...this.auftraege.values()];
  }

  /** Counts a receipt of a batch id; returns how often it has been received now. */
  zaehleEmpfang(batchId: string): number {
    const n = (this.empfangen.get(batchId) ?? 0) + 1;
    this.empfangen.set(batchId, n);
    this.speichere();
    return n;
  }

  /** How often the centre received a batch with this id (1 = exactly once). */
  empfangeneAuftraege(batchId: string): number {
    return this.empfangen.get(batchId) ?? 0;
  }

  /** How many letters with this id have been handed to the post, over all batches. */
  gepostet(briefId: string): number {
    let n = 0;
    for (const a of this.auftraege.values()) {
      for (const b of a.briefe) if (b.briefId === briefId && this.briefStatus(a, b).status === 'an_post_uebergeben') n += 1;
    }
    return n;
  }

  /** Counts the receipt of letters (also of letters in a batch the centre then ignores). */
  zaehleBriefEmpfaenge(briefIds: string[]): void {
    for (const id of briefIds) this.briefEmpfaenge.set(id, (this.briefEmpfaenge.get(id) ?? 0) + 1);
    this.speichere();
  }

  /** How often the centre received a letter with this id, over all batches (1 = exactly once). */
  empfangeneBriefe(briefId: string): number {
    return this.briefEmpfaenge.get(briefId) ?? 0;
  }

  /**
   * Takes letters in: checks every letter, flags duplicates by checksum (also within the
   * batch) and records them. A new batch id opens a batch; with `anhaengen` letters of a known
   * batch id join it (the API delivers a batch in several requests), otherwise the caller has
   * made sure the batch id is new.
   */
  async nimmAuf(batchId: string, briefe: EingangsBrief[], o: { fehler?: { code: Fehlercode; grund?: string }; anhaengen?: boolean } = {}): Promise<SimAuftrag> {
    const eingang = this.now();
    this.zaehleBriefEmpfaenge(briefe.map((b) => b.briefId));
    const ergebnisse = await Promise.all(
      briefe.map(async (b) => (b.vorabFehler || o.fehler ? undefined : pruefeBrief(b.pdf))),
    );
    const vorhanden = o.anhaengen ? this.auftraege.get(batchId) : undefined;
    if (!vorhanden) this.laufnummer += 1;
    const auftrag: SimAuftrag = vorhanden ?? {
      batchId,
      zentrumsauftrag: `ZD-${new Date(eingang).getUTCFullYear()}-${String(this.laufnummer).padStart(6, '0')}`,
      eingang,
      briefe: [],
      fehler: o.fehler ? { code: o.fehler.code, grund: o.fehler.grund ?? FEHLERCODES[o.fehler.code] } : undefined,
    };
    const imAuftrag = new Set<string>(auftrag.briefe.filter((b) => !b.fehler).map((b) => b.sha256));
    briefe.forEach((b, i) => {
      const r = ergebnisse[i];
      const sha = r?.sha256 ?? sha256(b.pdf);
      let fehler: SimBrief['fehler'];
      if (auftrag.fehler) fehler = auftrag.fehler;
      else if (b.vorabFehler) fehler = { code: b.vorabFehler.code, grund: b.vorabFehler.grund ?? FEHLERCODES[b.vorabFehler.code] };
      else if (r && !r.ok) fehler = { code: r.fehlercode ?? 'SONSTIGER_FEHLER', grund: r.grund ?? FEHLERCODES.SONSTIGER_FEHLER };
      else if ((this.pruefsummen.has(sha) && this.pruefsummen.get(sha) !== batchId) || imAuftrag.has(sha)) {
        const frueher = this.pruefsummen.get(sha) ?? batchId;
        fehler = { code: 'DUPLIKAT', grund: `${FEHLERCODES.DUPLIKAT} Erstmals eingeliefert mit Auftrag ${frueher}.` };
      } else if (r && b.seiten !== undefined && b.seiten !== r.seiten) {
        fehler = { code: 'SEITENZAHL_ABWEICHEND', grund: `${FEHLERCODES.SEITENZAHL_ABWEICHEND} (Manifest: ${b.seiten}, PDF: ${r.seiten})` };
      }
      if (!fehler) imAuftrag.add(sha);
      auftrag.briefe.push({ briefId: b.briefId, sha256: sha, seiten: r?.seiten ?? b.seiten ?? 0, versandart: b.versandart ?? 'standard', eingang, fehler, extra: b.extra ?? {} });
    });
    this.merke(auftrag);
    this.speichere();
    const abgelehnt = auftrag.briefe.filter((b) => b.fehler).length;
    this.log.info({ batchId, zentrumsauftrag: auftrag.zentrumsauftrag, briefe: auftrag.briefe.length, abgelehnt }, 'batch received');
    return auftrag;
  }

  briefStatus(a: SimAuftrag, b: SimBrief, at: number = this.now()): SimBriefStatus {
    const s = this.schritte;
    const t1 = b.eingang + s.verarbeitungMs;
    const t2 = t1 + s.druckzentrumMs;
    const t3 = t2 + s.postMs;
    if (at < t1) return { briefId: b.briefId, status: 'angenommen', seit: b.eingang };
    if (b.fehler) return { briefId: b.briefId, status: 'fehler', fehlercode: b.fehler.code, grund: b.fehler.grund, seit: t1 };
    if (at < t2) return { briefId: b.briefId, status: 'in_verarbeitung', seit: t1 };
    if (at < t3) return { briefId: b.briefId, status: 'im_druckzentrum', seit: t2 };
    return { briefId: b.briefId, status: 'an_post_uebergeben', postausgangsdatum: berlinDate(new Date(t3)), seit: t3 };
  }

  auftragsStatus(a: SimAuftrag, at: number = this.now()): { status: DruckStatus; briefe: SimBriefStatus[]; seit: number } {
    const briefe = a.briefe.map((b) => this.briefStatus(a, b, at));
    const status = a.fehler && at >= a.eingang + this.schritte.verarbeitungMs ? 'fehler' : gesamtStatus(briefe);
    const seit = Math.max(a.eingang, ...briefe.map((b) => b.seit));
    return { status, briefe, seit };
  }
}
