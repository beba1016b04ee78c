/**
 * Simulator of a drop-folder print centre (LVIN/Connex-Cube style): picks up complete batches
 * (`<batchId>.ready` marker) from `einlieferung/`, verifies the manifest (counts, files,
 * SHA-256), checks every letter, and reports progress in `status/<batchId>.status.xml`,
 * replaced atomically at every change. The acknowledgement (ANGENOMMEN) is written before the
 * batch leaves the drop folder, so a sender never sees a batch vanish without a status.
 * Processed batches move to `archiv/`.
 *
 * Faults for tests and the demo: pause the pickup (centre down), lose the next status files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { istGueltigeKennung } from '../port';
import { FEHLERCODES } from '../fehlercodes';
import { baueStatusdatei, dateiname, FormatFehler, leseManifest, MANIFEST_DATEI, READY_ENDUNG, type Statusdatei } from '../dropfolder/format';
import { sha256 } from '../preflight';
import { DruckzentrumSimulation, type EingangsBrief, type SimAuftrag, type ZentrumOptionen } from './zentrum';

export interface OrdnerSimOptionen extends ZentrumOptionen {
  /** Root of the simulator: einlieferung/, status/, archiv/ and its state file live here. */
  dir: string;
  /** How often the centre looks into the drop folder and advances its batches. */
  pollMs?: number;
  /** Share of status files (0–1) that get lost on their way (demo). */
  verlustquote?: number;
}

export interface OrdnerFehler {
  /** true: the centre does not pick anything up (outage). */
  abholungAngehalten: boolean;
  /** The next n status files are lost (never reach the status folder). */
  statusdateienVerlieren: number;
}

export interface OrdnerSimulator {
  folders: { einlieferung: string; status: string; archiv: string };
  zentrum: DruckzentrumSimulation;
  fehler: OrdnerFehler;
  /** One round of pickup and status writing (the loop runs it every pollMs). */
  runde(): Promise<void>;
  /** Writes a status file for a batch the centre never received (a foreign or stray file). */
  schreibeFremdeStatusdatei(batchId: string): void;
  stop(): Promise<void>;
}

function schreibeAtomar(file: string, inhalt: string | Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  fs.writeFileSync(tmp, inhalt);
  fs.renameSync(tmp, file);
}

export async function startOrdnerSimulator(o: OrdnerSimOptionen): Promise<OrdnerSimulator> {
  const folders = {
    einlieferung: path.join(o.dir, 'einlieferung'),
    status: path.join(o.dir, 'status'),
    archiv: path.join(o.dir, 'archiv'),
  };
  for (const d of Object.values(folders)) fs.mkdirSync(d, { recursive: true });
  const zentrum = new DruckzentrumSimulation({ ...o, stateFile: o.stateFile ?? path.join(o.dir, 'zentrum.json') });
  const log = o.log;
  const fehler: OrdnerFehler = { abholungAngehalten: false, statusdateienVerlieren: 0 };
  /** Last status written (or lost) per batch: its sequence number and content signature. */
  const geschrieben = new Map<string, { sequenz: number; signatur: string }>();
  const geschriebenDatei = path.join(o.dir, 'statusdateien.json');
  try {
    const g = JSON.parse(fs.readFileSync(geschriebenDatei, 'utf8')) as Record<string, { sequenz: number; signatur: string }>;
    for (const [k, v] of Object.entries(g)) geschrieben.set(k, v);
  } catch {
    /* first start */
  }

  function statusdatei(a: SimAuftrag, sequenz: number): { datei: Statusdatei; signatur: string } {
    const s = zentrum.auftragsStatus(a);
    const briefe = s.briefe.map((b) => ({ briefId: b.briefId, status: b.status, fehlercode: b.fehlercode, grund: b.grund, postausgangsdatum: b.postausgangsdatum }));
    const batchFehler = s.status === 'fehler' && a.fehler ? a.fehler : undefined;
    const signatur = JSON.stringify([s.status, briefe]);
    return {
      signatur,
      datei: {
        auftragsId: a.batchId,
        zentrumsauftrag: a.zentrumsauftrag,
        sequenz,
        zeitpunkt: new Date(s.seit).toISOString(),
        status: s.status,
        fehlercode: batchFehler?.code,
        grund: batchFehler?.grund,
        briefe,
      },
    };
  }

  function schreibeStatus(a: SimAuftrag): void {
    const vorher = geschrieben.get(a.batchId);
    const { datei, signatur } = statusdatei(a, (vorher?.sequenz ?? 0) + 1);
    if (vorher && vorher.signatur === signatur) return;
    geschrieben.set(a.batchId, { sequenz: datei.sequenz, signatur });
    schreibeAtomar(geschriebenDatei, JSON.stringify(Object.fromEntries(geschrieben)));
    const zufall = (o.verlustquote ?? 0) > 0 && Math.random() < (o.verlustquote ?? 0);
    if (fehler.statusdateienVerlieren > 0 || zufall) {
      if (!zufall) fehler.statusdateienVerlieren -= 1;
      log.warn({ batchId: a.batchId, sequenz: datei.sequenz }, 'fault: status file lost');
      return;
    }
    schreibeAtomar(path.join(folders.status, dateiname.status(a.batchId)), baueStatusdatei(datei));
  }

  function archiviere(batchId: string, quelle: string, marker: string): void {
    const zaehler = zentrum.empfangeneAuftraege(batchId);
    const ziel = path.join(folders.archiv, zaehler > 1 ? `${batchId}.wiederholt-${zaehler}` : batchId);
    fs.rmSync(ziel, { recursive: true, force: true });
    if (fs.existsSync(quelle)) fs.renameSync(quelle, ziel);
    fs.rmSync(marker, { force: true });
  }

  async function nimmAuf(batchId: string): Promise<void> {
    const ordner = path.join(folders.einlieferung, batchId);
    const marker = path.join(folders.einlieferung, dateiname.ready(batchId));
    const anzahl = zentrum.zaehleEmpfang(batchId);
    if (anzahl > 1) {
      // A batch id the centre already has: not processed again (real centres refuse it too).
      log.warn({ batchId, anzahl }, 'batch id received again, ignored');
      try {
        // Count the letters as received again: tests prove with this that a sender never repeats a batch.
        zentrum.zaehleBriefEmpfaenge(leseManifest(fs.readFileSync(path.join(ordner, MANIFEST_DATEI), 'utf8')).briefe.map((b) => b.briefId));
      } catch {
        /* unreadable manifest: nothing to count */
      }
      archiviere(batchId, ordner, marker);
      return;
    }
    let auftrag: SimAuftrag;
    try {
      const manifest = leseManifest(fs.readFileSync(path.join(ordner, MANIFEST_DATEI), 'utf8'));
      if (manifest.auftragsId !== batchId) throw new FormatFehler('AuftragsId im Manifest passt nicht zum Ordnernamen');
      if (manifest.anzahlBriefe !== manifest.briefe.length) throw new FormatFehler(`AnzahlBriefe ${manifest.anzahlBriefe}, aufgeführt ${manifest.briefe.length}`);
      const seiten = manifest.briefe.reduce((n, b) => n + b.seiten, 0);
      if (manifest.anzahlSeiten !== seiten) throw new FormatFehler(`AnzahlSeiten ${manifest.anzahlSeiten}, Summe der Briefe ${seiten}`);
      const briefe: EingangsBrief[] = manifest.briefe.map((b) => {
        const datei = path.join(ordner, path.basename(b.datei));
        let pdf: Buffer;
        try {
          pdf = fs.readFileSync(datei);
        } catch {
          return { briefId: b.briefId, pdf: Buffer.alloc(0), seiten: b.seiten, versandart: b.versandart, vorabFehler: { code: 'DATEI_FEHLT' as const } };
        }
        if (pdf.length !== b.bytes || sha256(pdf) !== b.sha256) {
          return { briefId: b.briefId, pdf, seiten: b.seiten, versandart: b.versandart, vorabFehler: { code: 'PRUEFSUMME_FALSCH' as const } };
        }
        return { briefId: b.briefId, pdf, seiten: b.seiten, versandart: b.versandart };
      });
      auftrag = await zentrum.nimmAuf(batchId, briefe);
    } catch (err) {
      const grund = `${FEHLERCODES.MANIFEST_UNGUELTIG} (${err instanceof FormatFehler ? err.message : 'Manifest nicht lesbar'})`;
      log.warn({ batchId, grund }, 'batch rejected: manifest invalid');
      auftrag = await zentrum.nimmAuf(batchId, [], { fehler: { code: 'MANIFEST_UNGUELTIG', grund } });
    }
    // Acknowledge first, then take the batch out of the drop folder.
    schreibeStatus(auftrag);
    archiviere(batchId, ordner, marker);
  }

  async function runde(): Promise<void> {
    if (!fehler.abholungAngehalten) {
      for (const name of fs.readdirSync(folders.einlieferung).sort()) {
        if (name.startsWith('.') || !name.endsWith(READY_ENDUNG)) continue;
        const batchId = name.slice(0, -READY_ENDUNG.length);
        if (!istGueltigeKennung(batchId)) {
          log.warn({ marker: name.slice(0, 100) }, 'marker with invalid batch id, set aside');
          fs.renameSync(path.join(folders.einlieferung, name), path.join(folders.einlieferung, `.${name}.ungueltig`));
          continue;
        }
        await nimmAuf(batchId);
      }
    }
    for (const a of zentrum.alleAuftraege()) schreibeStatus(a);
  }

  const pollMs = o.pollMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Rounds never overlap: the loop and explicit calls (tests) queue behind each other.
  let kette: Promise<void> = Promise.resolve();
  const exklusiv = (): Promise<void> => {
    const p = kette.then(runde);
    kette = p.catch(() => undefined);
    return p;
  };
  let laufend: Promise<void> = Promise.resolve();
  const schleife = () => {
    if (stopped) return;
    laufend = exklusiv()
      .catch((err: unknown) => log.error({ err: (err as Error).message }, 'drop folder round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(schleife, pollMs);
      });
  };
  timer = setTimeout(schleife, 0);

  return {
    folders,
    zentrum,
    fehler,
    runde: exklusiv,
    schreibeFremdeStatusdatei(batchId: string) {
      const datei: Statusdatei = {
        auftragsId: batchId, zentrumsauftrag: 'ZD-FREMD-000001', sequenz: 1, zeitpunkt: new Date(zentrum.now()).toISOString(), status: 'angenommen',
        briefe: [{ briefId: 'fremd-1', status: 'angenommen' }],
      };
      schreibeAtomar(path.join(folders.status, dateiname.status(batchId)), baueStatusdatei(datei));
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await laufend.catch(() => undefined);
    },
  };
}
