/**
 * `aktenlauf intake PATH... [--no-wait] [--timeout SEK] [--json]`: hands files (or a folder's files) to the
 * running engine through its scanner hot folder — copied atomically (write `.part`, fsync, rename, so the
 * watcher never sees half a file) — and waits until the intake watcher took each one. Prints per file the
 * workflow id (for a citizen app message: one per attachment) or the reason it was refused.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eingangWorkflowId } from '../domain/eingang';
import type { Config } from '../platform/config';
import { parseNachricht } from '../connectors/buerger-app/nachricht';

export const INTAKE_HILFE = `aktenlauf intake PFAD... – Dateien an den laufenden Posteingang übergeben

  PFAD            Datei (PDF, TIFF, PNG, JPEG, XML-Nachricht der Bürger-App) oder Ordner (dessen Dateien)
  --no-wait       nur übergeben, nicht auf die Übernahme warten
  --timeout SEK   so lange auf die Übernahme warten (Standard 120)
  --json          Ergebnis als JSON
`;

export interface IntakeErgebnis {
  datei: string;
  status: 'uebernommen' | 'abgelehnt' | 'uebergeben' | 'nicht-uebernommen' | 'fehler';
  workflowIds?: string[];
  grund?: string;
}

interface Uebergabe {
  quelle: string;
  ziel: string;
  name: string;
  workflowIds: string[];
}

async function dateienVon(pfade: string[]): Promise<{ dateien: string[]; fehler: IntakeErgebnis[] }> {
  const dateien: string[] = [];
  const fehler: IntakeErgebnis[] = [];
  for (const p of pfade) {
    let st;
    try {
      st = await fs.stat(p);
    } catch {
      fehler.push({ datei: p, status: 'fehler', grund: 'Datei oder Ordner nicht gefunden' });
      continue;
    }
    if (st.isDirectory()) {
      const namen = (await fs.readdir(p, { withFileTypes: true })).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => d.name).sort();
      dateien.push(...namen.map((n) => path.join(p, n)));
    } else if (st.isFile()) dateien.push(p);
    else fehler.push({ datei: p, status: 'fehler', grund: 'keine gewöhnliche Datei' });
  }
  return { dateien, fehler };
}

async function existiert(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** A free name in the hot folder: the file's own name, else name-2.ext, name-3.ext, … */
async function freierName(ordner: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stamm = name.slice(0, name.length - ext.length);
  for (let i = 1; ; i++) {
    const kandidat = i === 1 ? name : `${stamm}-${i}${ext}`;
    if (!(await existiert(path.join(ordner, kandidat))) && !(await existiert(path.join(ordner, `${kandidat}.part`)))) return kandidat;
  }
}

async function kopiereAtomar(inhalt: Buffer, ordner: string, name: string): Promise<string> {
  const ziel = path.join(ordner, name);
  const tmp = `${ziel}.part`;
  const fh = await fs.open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(inhalt);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, ziel);
  const dir = await fs.open(ordner, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return ziel;
}

/** Workflow ids the watcher will use for this file (content hash; for an app message: its attachments). */
function erwarteteIds(name: string, inhalt: Buffer): string[] {
  if (/\.xml$/i.test(name)) {
    const p = parseNachricht(inhalt);
    if (!p.ok) return [];
    return p.nachricht.anhaenge.map((a) => eingangWorkflowId(createHash('sha256').update(a.inhalt).digest('hex')));
  }
  return [eingangWorkflowId(createHash('sha256').update(inhalt).digest('hex'))];
}

/** The reason file the watcher wrote for a refused file (`abgelehnt/<zeit>_<name>.grund.txt`), if any since `seit`. */
async function ablehnungsgrund(rejectDir: string, name: string, seit: number): Promise<string | undefined> {
  let eintraege: string[];
  try {
    eintraege = await fs.readdir(rejectDir);
  } catch {
    return undefined;
  }
  for (const e of eintraege) {
    if (!e.endsWith(`_${name}.grund.txt`)) continue;
    const voll = path.join(rejectDir, e);
    const st = await fs.stat(voll).catch(() => undefined);
    if (!st || st.mtimeMs < seit - 1000) continue;
    return (await fs.readFile(voll, 'utf8')).trim();
  }
  return undefined;
}

async function wurdeAbgelehnt(rejectDir: string, name: string, seit: number): Promise<boolean> {
  const eintraege = await fs.readdir(rejectDir).catch(() => [] as string[]);
  for (const e of eintraege) {
    if (!e.endsWith(`_${name}`)) continue;
    const st = await fs.stat(path.join(rejectDir, e)).catch(() => undefined);
    if (st && st.ctimeMs >= seit - 1000) return true;
  }
  return false;
}

export interface IntakeCliOptionen {
  /** Poll interval while waiting (ms). */
  pollMs?: number;
  out?: (zeile: string) => void;
}

/** Runs the command; returns the exit code (0 = every file taken, 1 = some refused or not taken, 2 = usage). */
export async function intakeBefehl(cfg: Config, argv: string[], o: IntakeCliOptionen = {}): Promise<{ code: number; ergebnisse: IntakeErgebnis[] }> {
  const out = o.out ?? ((z: string) => process.stdout.write(`${z}\n`));
  let values: { 'no-wait'?: boolean; timeout?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'no-wait': { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    out(`${(err as Error).message}\n\n${INTAKE_HILFE}`);
    return { code: 2, ergebnisse: [] };
  }
  if (values.help || positionals.length === 0) {
    out(INTAKE_HILFE);
    return { code: values.help ? 0 : 2, ergebnisse: [] };
  }
  const sekunden = Number(values.timeout ?? 120);
  if (!Number.isFinite(sekunden) || sekunden <= 0) {
    out(`--timeout erwartet eine Zahl von Sekunden größer 0, nicht „${values.timeout}“.\n\n${INTAKE_HILFE}`);
    return { code: 2, ergebnisse: [] };
  }
  const timeoutMs = sekunden * 1000;
  const ordner = cfg.intake.scannerDir;
  const rejectDir = path.join(path.dirname(ordner), 'abgelehnt');
  await fs.mkdir(ordner, { recursive: true });

  const { dateien, fehler } = await dateienVon(positionals);
  const ergebnisse: IntakeErgebnis[] = [...fehler];
  const uebergaben: Uebergabe[] = [];
  const start = Date.now();
  for (const d of dateien) {
    try {
      const inhalt = await fs.readFile(d);
      const name = await freierName(ordner, path.basename(d));
      const ziel = await kopiereAtomar(inhalt, ordner, name);
      uebergaben.push({ quelle: d, ziel, name, workflowIds: erwarteteIds(name, inhalt) });
    } catch (err) {
      ergebnisse.push({ datei: d, status: 'fehler', grund: `konnte nicht übergeben werden: ${(err as Error).message}` });
    }
  }

  if (values['no-wait']) {
    for (const u of uebergaben) ergebnisse.push({ datei: u.quelle, status: 'uebergeben', workflowIds: u.workflowIds });
  } else {
    const offen = new Set(uebergaben);
    const frist = Date.now() + timeoutMs;
    while (offen.size > 0 && Date.now() < frist) {
      for (const u of [...offen]) {
        if (await existiert(u.ziel)) continue;
        // Gone from the hot folder: taken, or moved to abgelehnt/ (its reason file follows the move).
        if (await wurdeAbgelehnt(rejectDir, u.name, start)) {
          const grund = await ablehnungsgrund(rejectDir, u.name, start);
          if (grund === undefined) continue; // reason not written yet
          ergebnisse.push({ datei: u.quelle, status: 'abgelehnt', grund });
        } else {
          ergebnisse.push({ datei: u.quelle, status: 'uebernommen', workflowIds: u.workflowIds });
        }
        offen.delete(u);
      }
      if (offen.size > 0) await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    }
    for (const u of offen) {
      ergebnisse.push({ datei: u.quelle, status: 'nicht-uebernommen', grund: `nach ${Math.round(timeoutMs / 1000)} s noch nicht übernommen – läuft die Posteingang-Überwachung (aktenlauf up)?` });
    }
  }

  const reihenfolge = new Map([...positionals, ...dateien].map((d, i) => [d, i]));
  ergebnisse.sort((a, b) => (reihenfolge.get(a.datei) ?? 0) - (reihenfolge.get(b.datei) ?? 0));
  if (values.json) out(JSON.stringify(ergebnisse, null, 2));
  else {
    for (const e of ergebnisse) {
      const was =
        e.status === 'uebernommen'
          ? `übernommen → ${e.workflowIds?.join(', ') || '(keine Anhänge)'}`
          : e.status === 'uebergeben'
            ? `übergeben → ${e.workflowIds?.join(', ') || '?'}`
            : `${e.status === 'abgelehnt' ? 'abgelehnt' : e.status === 'nicht-uebernommen' ? 'nicht übernommen' : 'Fehler'}: ${e.grund}`;
      out(`${e.datei}: ${was}`);
    }
  }
  const ok = ergebnisse.every((e) => e.status === 'uebernommen' || e.status === 'uebergeben');
  return { code: ok ? 0 : 1, ergebnisse };
}
