/**
 * Simulator of the E-Akte (DMS): imports the hot folder and the XDOMEA import folder (polling,
 * with a configurable delay), keeps Akte → Vorgang → Dokument under ctx.dir/dms, and serves a
 * read UI and JSON API on SIMULATOR_PORT + 2. Delays and faults are configurable (options,
 * EAKTE_SIM_* environment variables, or at run time through `fehler` / POST /_sim/fehler).
 *
 * Folders under ctx.dir:
 *   hotfolder/eingang     ← document + index file from the engine
 *   hotfolder/ergebnis    → <id>.ok.xml / <id>.fehler.xml for the engine
 *   hotfolder/verarbeitet, hotfolder/fehler   (processed / refused pairs, by day)
 *   xdomea/import         ← {ProzessID}_Abgabe.Abgabe.0401.zip from the engine
 *   xdomea/quittung       → {ProzessID}_Abgabe.ImportBestaetigen.0402.xml for the engine
 *   xdomea/verarbeitet, xdomea/fehler
 *   dms/bestand.json, dms/inhalte/   (the DMS's holdings)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { readCredential } from '../../credentials';
import type { RunningSimulator, SimulatorContext, SimulatorSpec } from '../../simulator-registry';
import { EAKTE_API_TOKEN, EAKTE_SIM_PORT_OFFSET } from '../config';
import { STANDARD_ZIP_GRENZEN, type ZipGrenzen } from '../shared/zip';
import { Dms } from './dms';
import { HotfolderImporter } from './hotfolder-import';
import type { ImportKontext, ProtokollEintrag } from './import-kontext';
import { baueServer, type EAkteFehlerZustand } from './server';
import { XdomeaImporter } from './xdomea-import';
import { mulberry32 } from '../../../domain/zufall';

export type { EAkteFehlerZustand } from './server';

export interface EAkteSimulatorOptionen {
  /** How often the import folders are swept. */
  pollMs: number;
  /** A file is imported only after it has been in the folder this long (DMS batch latency). */
  importVerzoegerungMs: number;
  /** Added to every API request. */
  apiVerzoegerungMs: number;
  /** Index without file / file without index: refused after this long. */
  karenzMs: number;
  /** Share (0–1) of API requests answered with HTTP 500. */
  apiFehlerrate: number;
  /** Bearer token of the read API; default: EAKTE_API_TOKEN (simulator default). */
  apiToken?: string;
  zipGrenzen: ZipGrenzen;
  maxZipBytes: number;
  maxDokumentBytes: number;
  xdomeaVersion: string;
}

export const STANDARD_OPTIONEN: EAkteSimulatorOptionen = {
  pollMs: 1000,
  importVerzoegerungMs: 1500,
  apiVerzoegerungMs: 30,
  karenzMs: 30_000,
  apiFehlerrate: 0,
  zipGrenzen: STANDARD_ZIP_GRENZEN,
  maxZipBytes: 100 * 1024 * 1024,
  maxDokumentBytes: 50 * 1024 * 1024,
  xdomeaVersion: '3.1.0',
};

const nonNegInt = z.coerce.number().int().min(0);
const simEnvSchema = z.object({
  EAKTE_SIM_POLL_MS: z.coerce.number().int().positive().optional(),
  EAKTE_SIM_IMPORT_DELAY_MS: nonNegInt.optional(),
  EAKTE_SIM_API_DELAY_MS: nonNegInt.optional(),
  EAKTE_SIM_GRACE_MS: nonNegInt.optional(),
  EAKTE_SIM_ERROR_RATE: z.coerce.number().min(0).max(1).optional(),
});

/** Simulator options from EAKTE_SIM_* variables (README), defaults otherwise. */
export function optionenAusEnv(env: NodeJS.ProcessEnv): Partial<EAkteSimulatorOptionen> {
  const p = simEnvSchema.safeParse(env);
  if (!p.success) throw new Error(`E-Akte-Simulator: ungültige Einstellung: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = p.data;
  const o: Partial<EAkteSimulatorOptionen> = {};
  if (e.EAKTE_SIM_POLL_MS !== undefined) o.pollMs = e.EAKTE_SIM_POLL_MS;
  if (e.EAKTE_SIM_IMPORT_DELAY_MS !== undefined) o.importVerzoegerungMs = e.EAKTE_SIM_IMPORT_DELAY_MS;
  if (e.EAKTE_SIM_API_DELAY_MS !== undefined) o.apiVerzoegerungMs = e.EAKTE_SIM_API_DELAY_MS;
  if (e.EAKTE_SIM_GRACE_MS !== undefined) o.karenzMs = e.EAKTE_SIM_GRACE_MS;
  if (e.EAKTE_SIM_ERROR_RATE !== undefined) o.apiFehlerrate = e.EAKTE_SIM_ERROR_RATE;
  return o;
}

export interface EAkteSimulator extends RunningSimulator {
  url: string;
  folders: {
    hotfolder: string;
    'hotfolder-eingang': string;
    'hotfolder-ergebnis': string;
    xdomea: string;
    'xdomea-import': string;
    'xdomea-quittung': string;
  };
  /** Live fault settings (also via GET/POST /_sim/fehler). */
  fehler: EAkteFehlerZustand;
  /** Sweeps both import folders once now (serialised with the polling loop). */
  durchlauf(): Promise<void>;
  protokoll(): ProtokollEintrag[];
}

/** Small seeded PRNG (mulberry32) for the random fault rate. */
const zufallsquelle = mulberry32;

export async function startEAkteSimulator(ctx: SimulatorContext, optionen: Partial<EAkteSimulatorOptionen> = {}): Promise<EAkteSimulator> {
  const o: EAkteSimulatorOptionen = { ...STANDARD_OPTIONEN, ...optionen };
  const d = (...p: string[]) => path.join(ctx.dir, ...p);
  const hot = { eingang: d('hotfolder', 'eingang'), ergebnis: d('hotfolder', 'ergebnis'), verarbeitet: d('hotfolder', 'verarbeitet'), fehler: d('hotfolder', 'fehler') };
  const xd = { import: d('xdomea', 'import'), quittung: d('xdomea', 'quittung'), verarbeitet: d('xdomea', 'verarbeitet'), fehler: d('xdomea', 'fehler') };
  for (const dir of [...Object.values(hot), ...Object.values(xd)]) await fs.promises.mkdir(dir, { recursive: true });
  const dms = await Dms.oeffne(d('dms'), o.maxDokumentBytes);

  const fehler: EAkteFehlerZustand = { apiFehler: false, apiFehlerrate: o.apiFehlerrate, apiVerzoegerungMs: o.apiVerzoegerungMs, importVerzoegerungMs: null, importFehler: 0 };
  const protokoll: ProtokollEintrag[] = [];
  const kontext: ImportKontext = {
    dms,
    log: ctx.log,
    einstellungen: () => ({ importVerzoegerungMs: fehler.importVerzoegerungMs ?? o.importVerzoegerungMs, karenzMs: o.karenzMs }),
    technischerFehlerFaellig: () => {
      if (fehler.importFehler <= 0) return false;
      fehler.importFehler -= 1;
      return true;
    },
    protokolliere: (e) => {
      protokoll.push({ zeit: new Date().toISOString(), ...e });
      if (protokoll.length > 500) protokoll.shift();
    },
    zipGrenzen: o.zipGrenzen,
    maxDokumentBytes: o.maxDokumentBytes,
  };
  const hotImporter = new HotfolderImporter(hot, kontext);
  const xdImporter = new XdomeaImporter(xd, kontext, { version: o.xdomeaVersion, absender: 'E-Akte', empfaenger: 'Jobcenter' }, o.maxZipBytes);

  const folders: EAkteSimulator['folders'] = {
    hotfolder: d('hotfolder'),
    'hotfolder-eingang': hot.eingang,
    'hotfolder-ergebnis': hot.ergebnis,
    xdomea: d('xdomea'),
    'xdomea-import': xd.import,
    'xdomea-quittung': xd.quittung,
  };

  const app = baueServer({
    dms,
    token: o.apiToken ?? readCredential(EAKTE_API_TOKEN).reveal(),
    fehler,
    zufall: zufallsquelle(ctx.seed),
    protokoll: () => protokoll,
    ordner: folders,
  });
  await app.listen({ host: '127.0.0.1', port: ctx.port });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  // Polling loop; sweeps never overlap, errors are logged and never stop the simulator.
  let kette: Promise<void> = Promise.resolve();
  const durchlauf = (): Promise<void> => {
    const run = kette.then(async () => {
      for (const [name, imp] of [['hotfolder', hotImporter], ['xdomea', xdImporter]] as const) {
        try {
          await imp.durchlauf();
        } catch (err) {
          ctx.log.error({ err, kanal: name }, 'E-Akte-Simulator: Durchlauf fehlgeschlagen');
        }
      }
    });
    kette = run.catch(() => undefined);
    return run;
  };
  let gestoppt = false;
  let timer: NodeJS.Timeout | undefined;
  const planen = () => {
    if (gestoppt) return;
    timer = setTimeout(() => {
      void durchlauf().finally(planen);
    }, o.pollMs);
  };
  planen();
  ctx.log.info({ port, dir: ctx.dir }, 'E-Akte-Simulator läuft');

  return {
    url,
    folders,
    fehler,
    durchlauf,
    protokoll: () => [...protokoll],
    async stop() {
      gestoppt = true;
      if (timer) clearTimeout(timer);
      await kette;
      await app.close();
    },
  };
}

export const eakteSimulator: SimulatorSpec = {
  id: 'eakte',
  name: 'E-Akte (DMS: Hot-Folder, XDOMEA, Lese-API)',
  portOffset: EAKTE_SIM_PORT_OFFSET,
  start: (ctx) => startEAkteSimulator(ctx, optionenAusEnv(process.env)),
};
