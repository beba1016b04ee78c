/**
 * Drop-folder adapter of the print centre (LVIN/Connex-Cube style; format in ./format.ts and
 * ../README.md). Writes each batch as a folder of PDFs plus manifest.xml, then the
 * `<batchId>.ready` marker (the centre takes only marked batches), and reads the centre's
 * status files.
 *
 * Exactly once: a journal (one JSON file per batch, in a folder all engine workers share)
 * records a batch before anything is written and again once its marker is there; a lock file
 * keeps two attempts on the same batch apart. A retry after a crash or timeout finds the
 * journal and looks at the drop folder and the status folder before it writes anything:
 * a batch that is marked, picked up or acknowledged is never written again.
 * This relies on the centre acknowledging a batch (status file) before it removes it from the
 * drop folder — the README lists it as a requirement of the interface.
 */
import { mitFrist } from '../../../platform/frist';
import fs from 'node:fs';
import path from 'node:path';
import type { Check } from '../../../scripts/stack/doctor';
import type { Logger } from '../../../platform/logger';
import { BusinessError, TechnicalError } from '../../errors';
import {
  gesamtStatus, istGueltigeKennung, pruefeAuftrag,
  type AuftragsStatus, type BriefStatus, type Druckauftrag, type Druckzentrum,
} from '../port';
import { sha256, zaehleSeiten } from '../preflight';
import { baueManifest, dateiname, FormatFehler, leseStatusdatei, MANIFEST_DATEI, READY_ENDUNG, STATUS_ENDUNG, type ManifestBrief } from './format';

export interface OrdnerAdapterOptionen {
  /** Drop folder the centre picks batches up from. */
  einlieferungDir: string;
  /** Folder the centre writes its status files into. */
  statusDir: string;
  /** The adapter's journal; must be shared by all workers that submit to this centre. */
  journalDir: string;
  /** Upper bound of one submit/status call (a hanging network share). */
  timeoutMs: number;
  /** A lock older than this is taken over (the attempt holding it has died). */
  sperreVeraltetMs?: number;
  /** A marker not picked up after this long makes health() report the centre as not collecting. */
  abholungWarnMs?: number;
  log: Logger;
  now?: () => number;
  /** Test seam: runs after the marker is written, before the journal records it (a crash here). */
  nachMarker?: () => Promise<void> | void;
}

interface Journal {
  batchId: string;
  phase: 'begonnen' | 'eingeliefert';
  erstellt: string;
  eingeliefertAm?: string;
  briefe: Array<{ briefId: string; sha256: string; seiten: number }>;
}

const UNBEKANNT_ORDNER = 'unbekannt';

function technisch(err: unknown, was: string): never {
  if (err instanceof BusinessError || err instanceof TechnicalError) throw err;
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EIO';
  throw new TechnicalError('ORDNER_NICHT_ERREICHBAR', `Zentraldruck-Ordner: ${was} fehlgeschlagen (${code}).`, { cause: err });
}

function mitTimeout<T>(p: Promise<T>, ms: number, was: string): Promise<T> {
  return mitFrist(p, ms, () => new TechnicalError('ZEITUEBERSCHREITUNG', `Zentraldruck-Ordner: ${was} nicht innerhalb von ${ms} ms abgeschlossen.`));
}

async function schreibeDauerhaft(file: string, data: string | Buffer): Promise<void> {
  const fh = await fs.promises.open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function schreibeAtomar(file: string, data: string | Buffer): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  await schreibeDauerhaft(tmp, data);
  await fs.promises.rename(tmp, file);
}

async function existiert(p: string): Promise<boolean> {
  try {
    await fs.promises.access(p);
    return true;
  } catch {
    return false;
  }
}

export class OrdnerDruckzentrum implements Druckzentrum {
  readonly adapter = 'ordner';
  private readonly now: () => number;
  private letzterScan = 0;

  constructor(private readonly o: OrdnerAdapterOptionen) {
    this.now = o.now ?? Date.now;
  }

  private journalDatei(batchId: string): string {
    return path.join(this.o.journalDir, `${batchId}.json`);
  }

  private async leseJournal(batchId: string): Promise<Journal | undefined> {
    try {
      return JSON.parse(await fs.promises.readFile(this.journalDatei(batchId), 'utf8')) as Journal;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (err instanceof SyntaxError) throw new TechnicalError('JOURNAL_DEFEKT', 'Das Journal des Druckauftrags ist nicht lesbar.');
      return technisch(err, 'Journal lesen');
    }
  }

  private async sperre(batchId: string): Promise<() => Promise<void>> {
    const datei = path.join(this.o.journalDir, `${batchId}.lock`);
    for (let versuch = 0; versuch < 2; versuch += 1) {
      try {
        const fh = await fs.promises.open(datei, 'wx');
        await fh.writeFile(JSON.stringify({ pid: process.pid, seit: new Date(this.now()).toISOString() }));
        await fh.close();
        return async () => {
          await fs.promises.rm(datei, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') technisch(err, 'Sperre setzen');
        const st = await fs.promises.stat(datei).catch(() => undefined);
        // File times are wall-clock times: compare with the wall clock, not the injected one.
        if (st && Date.now() - st.mtimeMs < (this.o.sperreVeraltetMs ?? 10 * 60_000)) {
          throw new TechnicalError('AUFTRAG_IN_ARBEIT', 'Dieser Druckauftrag wird gerade von einem anderen Versuch eingeliefert; später erneut versuchen.');
        }
        this.o.log.warn({ batchId }, 'stale submit lock taken over');
        await fs.promises.rm(datei, { force: true });
      }
    }
    throw new TechnicalError('AUFTRAG_IN_ARBEIT', 'Die Sperre des Druckauftrags konnte nicht gesetzt werden; später erneut versuchen.');
  }

  async submit(batch: Druckauftrag): Promise<{ auftragsId: string; neu: boolean }> {
    pruefeAuftrag(batch);
    return mitTimeout(this.einliefern(batch), this.o.timeoutMs, 'Einlieferung');
  }

  private async einliefern(batch: Druckauftrag): Promise<{ auftragsId: string; neu: boolean }> {
    const { batchId } = batch;
    const briefe: ManifestBrief[] = await Promise.all(
      batch.briefe.map(async (b) => ({
        briefId: b.briefId,
        datei: dateiname.pdf(b.briefId),
        // A file that is no PDF still goes to the centre (it rejects it, per letter): 0 pages.
        seiten: b.seiten ?? (await zaehleSeiten(b.pdf)) ?? 0,
        versandart: b.versandart ?? 'standard',
        bytes: b.pdf.length,
        sha256: sha256(b.pdf),
      })),
    );
    try {
      await fs.promises.mkdir(this.o.journalDir, { recursive: true });
    } catch (err) {
      technisch(err, 'Journal-Ordner anlegen');
    }
    const entsperre = await this.sperre(batchId);
    try {
      const journal = await this.leseJournal(batchId);
      if (journal) {
        const gleich = journal.briefe.length === briefe.length && journal.briefe.every((j, i) => j.briefId === briefe[i]?.briefId && j.sha256 === briefe[i]?.sha256);
        if (!gleich) {
          throw new BusinessError('AUFTRAG_ABWEICHEND', 'Unter dieser Auftragskennung wurde bereits ein Druckauftrag mit anderem Inhalt eingeliefert.');
        }
        if (journal.phase === 'eingeliefert') return { auftragsId: batchId, neu: false };
        if (await this.beimZentrum(batchId)) {
          await this.vermerkeEingeliefert(journal);
          this.o.log.info({ batchId }, 'batch found at the centre after an interrupted submit; not written again');
          return { auftragsId: batchId, neu: false };
        }
      } else {
        await schreibeAtomar(this.journalDatei(batchId), JSON.stringify({
          batchId, phase: 'begonnen', erstellt: new Date(this.now()).toISOString(),
          briefe: briefe.map((b) => ({ briefId: b.briefId, sha256: b.sha256, seiten: b.seiten })),
        } satisfies Journal));
      }
      await this.schreibeAuftrag(batch, briefe);
      await this.o.nachMarker?.();
      const j = (await this.leseJournal(batchId)) as Journal;
      await this.vermerkeEingeliefert(j);
      this.o.log.info({ batchId, briefe: briefe.length }, 'batch handed to the drop folder');
      return { auftragsId: batchId, neu: true };
    } catch (err) {
      return technisch(err, 'Einlieferung');
    } finally {
      await entsperre().catch(() => undefined);
    }
  }

  /** true when the centre has the batch: marked in the drop folder, or acknowledged. */
  private async beimZentrum(batchId: string): Promise<boolean> {
    return (await existiert(path.join(this.o.einlieferungDir, dateiname.ready(batchId))))
      || (await existiert(path.join(this.o.statusDir, dateiname.status(batchId))));
  }

  private async vermerkeEingeliefert(j: Journal): Promise<void> {
    await schreibeAtomar(this.journalDatei(j.batchId), JSON.stringify({ ...j, phase: 'eingeliefert', eingeliefertAm: new Date(this.now()).toISOString() } satisfies Journal));
  }

  private async schreibeAuftrag(batch: Druckauftrag, briefe: ManifestBrief[]): Promise<void> {
    const ordner = path.join(this.o.einlieferungDir, batch.batchId);
    // Leftovers of an attempt that died before its marker: the centre never saw them.
    await fs.promises.rm(ordner, { recursive: true, force: true });
    await fs.promises.mkdir(ordner);
    for (const [i, b] of batch.briefe.entries()) {
      await schreibeDauerhaft(path.join(ordner, (briefe[i] as ManifestBrief).datei), b.pdf);
    }
    await schreibeDauerhaft(path.join(ordner, MANIFEST_DATEI), baueManifest({
      auftragsId: batch.batchId,
      erstellt: new Date(this.now()).toISOString(),
      anzahlBriefe: briefe.length,
      anzahlSeiten: briefe.reduce((n, b) => n + b.seiten, 0),
      briefe,
    }));
    await schreibeAtomar(path.join(this.o.einlieferungDir, dateiname.ready(batch.batchId)), `${batch.batchId}\n`);
  }

  async status(auftragsId: string): Promise<AuftragsStatus> {
    return mitTimeout(this.leseStatus(auftragsId), this.o.timeoutMs, 'Statusabfrage');
  }

  private async leseStatus(auftragsId: string): Promise<AuftragsStatus> {
    const unbekannt = () => new BusinessError('AUFTRAG_UNBEKANNT', 'Dieser Druckauftrag ist dem Zentraldruck nicht bekannt.');
    if (!istGueltigeKennung(auftragsId)) throw unbekannt();
    if (this.now() - this.letzterScan > 60_000) await this.pruefeStatusordner().catch(() => undefined);
    const journal = await this.leseJournal(auftragsId);
    const statusName = dateiname.status(auftragsId);
    if (!journal) {
      const fremd = (await existiert(path.join(this.o.statusDir, statusName))) || (await existiert(path.join(this.o.statusDir, UNBEKANNT_ORDNER, statusName)));
      if (fremd) {
        throw new TechnicalError('STATUS_UNBEKANNTER_AUFTRAG', 'Für diesen Auftrag liegt eine Statusdatei des Druckzentrums vor, aber hier wurde er nicht eingeliefert (Journal fehlt). Bitte den Journal-Ordner prüfen.');
      }
      throw unbekannt();
    }
    let text: string | undefined;
    try {
      text = await fs.promises.readFile(path.join(this.o.statusDir, statusName), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') technisch(err, 'Statusdatei lesen');
    }
    if (text === undefined) {
      // No report yet (or a status file got lost): what we know is that the batch is handed over.
      if (journal.phase !== 'eingeliefert' && !(await this.beimZentrum(auftragsId))) {
        throw new TechnicalError('EINLIEFERUNG_UNVOLLSTAENDIG', 'Der Druckauftrag wurde nicht vollständig eingeliefert; bitte erneut einliefern.');
      }
      return {
        auftragsId,
        status: 'angenommen',
        briefe: journal.briefe.map((b) => ({ briefId: b.briefId, status: 'angenommen' })),
        aktualisiertAm: journal.eingeliefertAm ?? journal.erstellt,
      };
    }
    let datei;
    try {
      datei = leseStatusdatei(text);
    } catch (err) {
      const grund = err instanceof FormatFehler ? err.message : 'nicht lesbar';
      throw new TechnicalError('STATUSDATEI_DEFEKT', `Die Statusdatei des Druckzentrums ist fehlerhaft (${grund}).`);
    }
    if (datei.auftragsId !== auftragsId) {
      throw new TechnicalError('STATUSDATEI_DEFEKT', 'Die Statusdatei des Druckzentrums nennt einen anderen Auftrag als ihr Dateiname.');
    }
    const gemeldet = new Map(datei.briefe.map((b) => [b.briefId, b]));
    const briefe: BriefStatus[] = journal.briefe.map((j) => {
      const b = gemeldet.get(j.briefId);
      if (b) {
        return {
          briefId: j.briefId, status: b.status,
          ...(b.status === 'fehler' ? { fehlercode: b.fehlercode ?? 'SONSTIGER_FEHLER', grund: b.grund ?? 'Vom Druckzentrum abgelehnt.' } : {}),
          ...(b.postausgangsdatum ? { postausgangsdatum: b.postausgangsdatum } : {}),
        };
      }
      if (datei.status === 'fehler') {
        return { briefId: j.briefId, status: 'fehler', fehlercode: datei.fehlercode ?? 'SONSTIGER_FEHLER', grund: datei.grund ?? 'Der Auftrag wurde vom Druckzentrum abgelehnt.' };
      }
      return { briefId: j.briefId, status: 'angenommen' };
    });
    return { auftragsId, status: gesamtStatus(briefe), briefe, aktualisiertAm: datei.zeitpunkt };
  }

  /**
   * Moves status files of batches this installation never submitted to status/unbekannt/ and
   * reports them: a technical anomaly for an administrator, never a crash.
   */
  async pruefeStatusordner(): Promise<{ neuUnbekannt: number; unbekannt: number }> {
    this.letzterScan = this.now();
    const quarantaene = path.join(this.o.statusDir, UNBEKANNT_ORDNER);
    let neu = 0;
    for (const name of await fs.promises.readdir(this.o.statusDir)) {
      if (name.startsWith('.') || !name.endsWith(STATUS_ENDUNG)) continue;
      const batchId = name.slice(0, -STATUS_ENDUNG.length);
      if (istGueltigeKennung(batchId) && (await existiert(this.journalDatei(batchId)))) continue;
      await fs.promises.mkdir(quarantaene, { recursive: true });
      let ziel = path.join(quarantaene, name);
      if (await existiert(ziel)) ziel = path.join(quarantaene, `${name}.${this.now()}`);
      try {
        await fs.promises.rename(path.join(this.o.statusDir, name), ziel);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another worker moved it
        throw err;
      }
      neu += 1;
      this.o.log.warn({ datei: name.slice(0, 120) }, 'status file for an unknown batch moved to status/unbekannt');
    }
    const unbekannt = (await fs.promises.readdir(quarantaene).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).length;
    return { neuUnbekannt: neu, unbekannt };
  }

  async health(): Promise<Check> {
    const base = { id: 'druckzentrum', label: 'Zentraldruck (Übergabeordner)', required: true };
    try {
      await fs.promises.access(this.o.einlieferungDir, fs.constants.W_OK);
      await fs.promises.access(this.o.statusDir, fs.constants.R_OK | fs.constants.W_OK);
      await fs.promises.mkdir(this.o.journalDir, { recursive: true });
      await fs.promises.access(this.o.journalDir, fs.constants.W_OK);
    } catch (err) {
      return { ...base, ok: false, detail: `Ordner nicht erreichbar: ${(err as Error).message}`, fix: 'DRUCKZENTRUM_EINLIEFERUNG_DIR, DRUCKZENTRUM_STATUS_DIR und DRUCKZENTRUM_JOURNAL_DIR prüfen (vorhanden, beschreibbar, Freigabe eingehängt).' };
    }
    try {
      const { unbekannt } = await this.pruefeStatusordner();
      const warnMs = this.o.abholungWarnMs ?? 30 * 60_000;
      let liegenGeblieben = 0;
      for (const name of await fs.promises.readdir(this.o.einlieferungDir)) {
        if (!name.endsWith(READY_ENDUNG) || name.startsWith('.')) continue;
        const st = await fs.promises.stat(path.join(this.o.einlieferungDir, name)).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs > warnMs) liegenGeblieben += 1;
      }
      const probleme: string[] = [];
      if (unbekannt > 0) probleme.push(`${unbekannt} Statusdatei(en) zu unbekannten Aufträgen in ${path.join(this.o.statusDir, UNBEKANNT_ORDNER)}`);
      if (liegenGeblieben > 0) probleme.push(`${liegenGeblieben} Auftrag/Aufträge seit über ${Math.round(warnMs / 60_000)} min nicht abgeholt`);
      if (probleme.length > 0) {
        return { ...base, ok: false, detail: probleme.join('; '), fix: 'Statusdateien unbekannter Aufträge prüfen und danach entfernen; ob das Druckzentrum den Übergabeordner abholt, mit dem Dienstleister klären.' };
      }
      return { ...base, ok: true, detail: `Übergabe ${this.o.einlieferungDir}, Status ${this.o.statusDir}` };
    } catch (err) {
      return { ...base, ok: false, detail: `Statusordner nicht lesbar: ${(err as Error).message}`, fix: 'Rechte auf DRUCKZENTRUM_STATUS_DIR prüfen.' };
    }
  }

  async close(): Promise<void> {
    /* nothing held open */
  }
}
