/**
 * Writes a seeded test corpus of incoming post to a folder, with its truth:
 *
 *   node dist/testdaten/posteingang/cli.js --seed 1 --anzahl 200 --out DIR
 *     [--mix bornDigital=35,scan=30,fax=10,foto=10,stapel=15] [--haushalte 2000 [--landkreis-seed 1]] [--stichtag 2026-11-02]
 *
 * `--haushalte N` writes for N households of the simulated Landkreis (`--landkreis-seed`, default 1,
 * as the Fachverfahren simulators' defaults: seed 1, 2000 households), so BG-Nummern, Kundennummern and
 * names match the simulator. Birth dates match too when `--stichtag` equals the simulator's Stichtag.
 * Output: the files (eingang-0001.pdf, stapel-0002.tif, …) and wahrheit.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { korpusDateien, type KorpusMix } from './korpus';
import { haushalteAusLandkreis } from './texte';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function main(args: string[]): Promise<void> {
  const seed = Number(arg(args, 'seed') ?? 1);
  const anzahl = Number(arg(args, 'anzahl') ?? 50);
  const out = arg(args, 'out');
  if (!out || !Number.isFinite(seed) || !Number.isInteger(anzahl) || anzahl < 1) {
    console.error('Aufruf: cli.js --seed 1 --anzahl 200 --out VERZEICHNIS [--mix bornDigital=35,scan=30,fax=10,foto=10,stapel=15] [--haushalte N [--landkreis-seed 1]] [--stichtag JJJJ-MM-TT]');
    process.exitCode = 2;
    return;
  }
  const mix: Partial<KorpusMix> = {};
  for (const teil of (arg(args, 'mix') ?? '').split(',').filter(Boolean)) {
    const [k, v] = teil.split('=');
    if (k && v && ['bornDigital', 'scan', 'fax', 'foto', 'stapel'].includes(k)) mix[k as keyof KorpusMix] = Number(v);
  }
  const nHaushalte = Number(arg(args, 'haushalte') ?? 0);
  const stichtag = arg(args, 'stichtag');
  const landkreisSeed = Number(arg(args, 'landkreis-seed') ?? 1);
  const haushalte = nHaushalte > 0 ? haushalteAusLandkreis(landkreisSeed, nHaushalte, stichtag) : undefined;
  fs.mkdirSync(out, { recursive: true });
  const dateien: Array<{ name: string; mediaType: string; bytes: number; wahrheit: unknown }> = [];
  const start = process.hrtime.bigint();
  for await (const d of korpusDateien({ seed, anzahl, mix, ...(haushalte ? { haushalte } : {}), ...(stichtag ? { stichtag } : {}) })) {
    fs.writeFileSync(path.join(out, d.name), d.inhalt);
    dateien.push({ name: d.name, mediaType: d.mediaType, bytes: d.inhalt.length, wahrheit: d.wahrheit });
  }
  fs.writeFileSync(path.join(out, 'wahrheit.json'), JSON.stringify({ seed, anzahl, mix, haushalte: nHaushalte || undefined, landkreisSeed: nHaushalte ? landkreisSeed : undefined, stichtag, dateien }, null, 1));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const dokumente = dateien.reduce((s, d) => s + (d.wahrheit as { dokumente: unknown[] }).dokumente.length, 0);
  console.log(`${dateien.length} Dateien, ${dokumente} Dokumente in ${out} (${(ms / 1000).toFixed(1)} s)`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
