/**
 * fachverfahren: lookups through the OPEN/PROSOZ file adapter at the size of a large
 * Landkreis (30,000 households), against direct lookups in the simulator's database as the
 * baseline, side by side in one run. Measures generation, full export, index build, then
 * N random lookups by BG-Nummer, by Kundennummer (written with spaces) and proposals
 * (name with a typo + date of birth), and a few Wiedervorlage round trips through the folders.
 * Options: --households=30000 --n=5000
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFachverfahrenConfig } from '../connectors/fachverfahren/config';
import { generiereLandkreis } from '../connectors/fachverfahren/landkreis/generator';
import { FachverfahrenStore } from '../connectors/fachverfahren/landkreis/store';
import { createOpenProsozFachverfahren } from '../connectors/fachverfahren/open-prosoz/adapter';
import { starteOpenProsozSimulator } from '../connectors/fachverfahren/open-prosoz/simulator';
import type { HaushaltsSuche, VorschlagsSuche } from '../connectors/fachverfahren/port';
import { option } from './_optionen';


function quantil(sortiert: number[], q: number): number {
  if (sortiert.length === 0) return NaN;
  return sortiert[Math.min(sortiert.length - 1, Math.floor(q * sortiert.length))]!;
}

function zusammenfassung(werte: number[]): { p50: number; p95: number } {
  const s = [...werte].sort((a, b) => a - b);
  return { p50: quantil(s, 0.5), p95: quantil(s, 0.95) };
}

const f = (ms: number) => (ms < 1 ? ms.toFixed(4) : ms.toFixed(2));

async function messen(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

/** Deterministic pick sequence (LCG), so runs compare. */
function picker(seed: number, max: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % max;
  };
}

export async function run(args: string[]): Promise<void> {
  const haushalte = option(args, 'households', 30000);
  const n = option(args, 'n', 5000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-bench-fv-'));
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    let t0 = performance.now();
    const landkreis = generiereLandkreis({ seed: 20261126, haushalte });
    const genMs = performance.now() - t0;
    t0 = performance.now();
    const store = new FachverfahrenStore(landkreis);
    const storeMs = performance.now() - t0;
    const personen = landkreis.haushalte.reduce((s, h) => s + h.personen.length, 0);
    out(`  Landkreis: ${haushalte} Haushalte, ${personen} Personen; erzeugt in ${genMs.toFixed(0)} ms, Datenbank-Index ${storeMs.toFixed(0)} ms`);

    t0 = performance.now();
    const sim = await starteOpenProsozSimulator({ dir, store, importPollMs: 20, exportVerzoegerungMs: 0 });
    const exportMs = performance.now() - t0;
    const gesamt = fs.readdirSync(sim.folders.export)[0]!;
    const groesse = fs.statSync(path.join(sim.folders.export, gesamt)).size;
    out(`  Gesamtexport ${gesamt}: ${(groesse / 1e6).toFixed(1)} MB, geschrieben in ${exportMs.toFixed(0)} ms`);

    const cfg = loadFachverfahrenConfig({ OPEN_PROSOZ_EXCHANGE_DIR: dir, OPEN_PROSOZ_ACK_POLL_MS: '5' });
    const fv = createOpenProsozFachverfahren(cfg.openProsoz);
    try {
      t0 = performance.now();
      fv.aktualisiere(true);
      const indexMs = performance.now() - t0;
      out(`  Adapter-Index aus dem Gesamtexport: ${fv.indexStand().haushalte} Haushalte in ${indexMs.toFixed(0)} ms (Refresh-Intervall ${cfg.openProsoz.refreshMs} ms)`);

      const pick = picker(7, landkreis.haushalte.length);
      const bgSuchen: HaushaltsSuche[] = [];
      const kundeSuchen: HaushaltsSuche[] = [];
      const vorschlaege: VorschlagsSuche[] = [];
      for (let i = 0; i < n; i++) {
        const h = landkreis.haushalte[pick()]!;
        bgSuchen.push({ bgNummer: h.bgNummer });
        const p = h.personen[pick() % h.personen.length]!;
        kundeSuchen.push({ kundennummer: `${p.kundennummer.slice(0, 3)} ${p.kundennummer.slice(3, 4)} ${p.kundennummer.slice(4)}` });
        const tippfehler = p.nachname.length > 3 ? p.nachname.slice(0, 2) + p.nachname[3] + p.nachname[2] + p.nachname.slice(4) : p.nachname;
        vorschlaege.push({ nachname: tippfehler, vorname: p.vorname, geburtsdatum: p.geburtsdatum, plz: h.anschrift.plz });
      }

      // Warm-up of both paths (JIT), not measured.
      for (let i = 0; i < 200; i++) {
        await fv.findeHaushalt(bgSuchen[i % n]!);
        store.findeHaushalt(bgSuchen[i % n]!);
      }

      const arten: Array<{ name: string; adapter: number[]; basis: number[] }> = [];
      arten.push({ name: 'bg', adapter: await messen(n, (i) => fv.findeHaushalt(bgSuchen[i]!)), basis: await messen(n, (i) => store.findeHaushalt(bgSuchen[i]!)) });
      arten.push({ name: 'kunde', adapter: await messen(n, (i) => fv.findeHaushalt(kundeSuchen[i]!)), basis: await messen(n, (i) => store.findeHaushalt(kundeSuchen[i]!)) });
      let ersterTreffer = 0;
      const vorschlagAdapter = await messen(n, async (i) => {
        const v = await fv.schlageHaushalteVor(vorschlaege[i]!);
        const erwartet = 'bgNummer' in bgSuchen[i]! ? bgSuchen[i]!.bgNummer : '';
        if (v[0]?.bgNummer === erwartet) ersterTreffer++;
      });
      arten.push({ name: 'vorschlag', adapter: vorschlagAdapter, basis: await messen(n, (i) => store.schlageHaushalteVor(vorschlaege[i]!)) });

      for (const a of arten) {
        const x = zusammenfassung(a.adapter);
        const b = zusammenfassung(a.basis);
        out(`  ${a.name.padEnd(9)} Adapter p50=${f(x.p50)} ms p95=${f(x.p95)} ms | Basis (Datenbank direkt) p50=${f(b.p50)} ms p95=${f(b.p95)} ms | Verhältnis p50 ${(x.p50 / b.p50).toFixed(2)}`);
      }
      out(`  Vorschläge mit Tippfehler: richtiger Haushalt an erster Stelle in ${((ersterTreffer / n) * 100).toFixed(1)} %`);

      const wvN = 20;
      const wv = await messen(wvN, (i) =>
        fv.erstelleWiedervorlage({ referenz: `bench-${i}`, bgNummer: landkreis.haushalte[i]!.bgNummer, betreff: 'Benchmark', faelligAm: '2026-12-01', prioritaet: 'normal' }),
      );
      const w = zusammenfassung(wv);
      out(`  Wiedervorlage über Import + Quittung (Simulator pollt alle 20 ms): p50=${f(w.p50)} ms p95=${f(w.p95)} ms (n=${wvN})`);

      const bg = zusammenfassung(arten[0]!.adapter);
      const basis = zusammenfassung(arten[0]!.basis);
      out(`  baseline: store_lookup_p50_ms=${f(basis.p50)} store_lookup_p95_ms=${f(basis.p95)} ratio_p50=${(bg.p50 / basis.p50).toFixed(2)}`);
      out(`fachverfahren: households=${haushalte} lookup_p50_ms=${f(bg.p50)} lookup_p95_ms=${f(bg.p95)}`);
    } finally {
      await fv.close();
      await sim.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
