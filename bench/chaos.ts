/**
 * chaos: the Posteingang keeps every document while its machinery dies. The engine worker
 * (dist/workers/temporal-worker.js), the OCR pool (dist/workers/ocr-pool.js, 1 tesseract worker) and
 * Redis run as child processes; while --dokumente files (default 500: born-digital one-page letters,
 * plus --scans scanned pages so the OCR pool has work when it is killed) go through, each of the
 * three is killed with SIGKILL once (at ~15 %, ~40 %, ~65 % of the documents done) and restarted
 * (Redis on the same port and data dir, AOF). Temporal itself (the business state) stays up.
 * At the end: lost = documents neither filed nor waiting for a person; duplicates = E-Akte documents
 * beyond one per filed document. The files are handed over in Stapel of --stapel (default 50, as the
 * intake takes files that arrive together; 0 = one workflow per file), so kills hit Stapel activities
 * in the middle of their files. Options: --dokumente=500 --scans=20 --stapel=50 --haushalte=100.
 */
import path from 'node:path';
import { stopManaged, type ManagedProcess } from '../scripts/stack/process';
import { startEmbeddedRedis } from '../scripts/stack/redis';
import { erzeugeDateien, out, starteDateien, starteDienst, starteWelt, warteAufEnde } from './posteingang';
import { option } from './_optionen';

async function toete(p: ManagedProcess): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

export async function run(args: string[]): Promise<void> {
  const anzahl = option(args, 'dokumente', 500);
  const scans = Math.min(anzahl, option(args, 'scans', 20));
  // Handed over as the intake does with files that arrive together: Stapel of 50 (0 = one workflow per file).
  const stapel = option(args, 'stapel', 50, true);
  const w = await starteWelt('chaos', option(args, 'haushalte', 100));
  const dienste: Record<string, ManagedProcess | undefined> = {};
  let redis = w.redis;
  try {
    out(`chaos: ${anzahl} Dokumente (${anzahl - scans} digitale Briefe, ${scans} gescannte Seiten, ${stapel >= 2 ? `in Stapeln zu ${stapel}` : 'einzeln'}); Worker, OCR-Pool und Redis werden je einmal mit SIGKILL beendet`);
    const dateien = [
      ...(await erzeugeDateien(w, { anzahl: anzahl - scans, scan: false, seed: 50_000 })),
      ...(scans > 0 ? await erzeugeDateien(w, { anzahl: scans, scan: true, dpi: 200, seed: 60_000 }) : []),
    ];
    // Mix scans into the stream so the OCR pool is busy whenever it dies.
    const gemischt = dateien.map((d, i) => ({ d, k: (i * 7919) % dateien.length })).sort((a, b) => a.k - b.k).map((x) => x.d);
    dienste.worker = await starteDienst(w, 'worker', 'workers/temporal-worker.js');
    dienste.ocr = await starteDienst(w, 'ocr-pool', 'workers/ocr-pool.js', { OCR_WORKERS: '1' });
    const t = Date.now();
    const tag = '2026-11-25';
    const hashes = await starteDateien(w, gemischt, tag, {}, stapel);

    const plan: Array<{ bei: number; was: string; tu: () => Promise<void> }> = [
      {
        bei: 0.15, was: 'Temporal-Worker', tu: async () => {
          await toete(dienste.worker!);
          dienste.worker = await starteDienst(w, 'worker', 'workers/temporal-worker.js');
        },
      },
      {
        bei: 0.4, was: 'OCR-Pool', tu: async () => {
          await toete(dienste.ocr!);
          dienste.ocr = await starteDienst(w, 'ocr-pool', 'workers/ocr-pool.js', { OCR_WORKERS: '1' });
        },
      },
      {
        bei: 0.65, was: 'Redis', tu: async () => {
          await toete(redis.process);
          redis = await startEmbeddedRedis({ port: w.redisPort, dir: path.join(w.dir, 'redis'), runDir: path.join(w.dir, 'run'), logDir: path.join(w.dir, 'logs'), log: () => undefined, name: 'redis-chaos' });
        },
      },
    ];
    let chaos: Promise<unknown> = Promise.resolve();
    let letzte = 0;
    const ende = await warteAufEnde(w, hashes, tag, 3 * 3600_000, (fertig) => {
      const anteil = fertig / hashes.length;
      while (plan.length > 0 && anteil >= plan[0]!.bei) {
        const schritt = plan.shift()!;
        out(`  ${fertig}/${hashes.length} fertig (${((Date.now() - t) / 1000).toFixed(0)} s): SIGKILL ${schritt.was}, Neustart`);
        chaos = chaos.then(schritt.tu).then(
          () => out(`  ${schritt.was} wieder bereit (${((Date.now() - t) / 1000).toFixed(0)} s)`),
          (err: unknown) => out(`  Neustart ${schritt.was} fehlgeschlagen: ${(err as Error).message}`),
        );
      }
      if (fertig - letzte >= Math.max(1, Math.floor(hashes.length / 10))) {
        letzte = fertig;
        out(`  … ${fertig}/${hashes.length} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
      }
    });
    await chaos;
    const s = (Date.now() - t) / 1000;
    out(`  ${hashes.length} Dokumente in ${s.toFixed(0)} s: abgelegt ${ende.abgelegt}, Prüfung ${ende.pruefung}, Quarantäne ${ende.quarantaene}, verloren ${ende.lost}, doppelt ${ende.duplicates}; nicht ausgeführte Störungen: ${plan.map((p) => p.was).join(', ') || 'keine'}`);
    for (const [g, n] of Object.entries(ende.quarantaeneGruende)) out(`  Quarantäne ${n}×: ${g}`);
    out(`chaos: documents=${hashes.length} lost=${ende.lost} duplicates=${ende.duplicates}`);
  } finally {
    for (const p of Object.values(dienste)) if (p) await stopManaged(p, 5000).catch(() => undefined);
    w.redis = redis;
    await w.aufraeumen();
  }
}
