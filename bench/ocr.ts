/**
 * ocr: throughput of the OCR pool against native tesseract on the same scanned pages, side by
 * side in one run, and the time to classify a one-page scanned letter on one core.
 *
 * Pages: letters of H1's generator (testdaten/posteingang, `alsScan` at 300 dpi), normalised as
 * the engine does (seiten.ts). (a) native `tesseract` (Debian), OMP_THREAD_LIMIT=1, one process
 * per slot, the same German LSTM model file tesseract.js uses and the same tesseract parameters as
 * the pool (`TESSERACT_PARAMETER`: the headline ratio) — and once more with tesseract's defaults
 * (extra fields `…_native_defaults`); (b) the pool: BullMQ queue `ocr`
 * on Redis, `--workers` tesseract.js workers, pages handed over as files like the engine does
 * (rotation 'auto'). Printed: pages/s, per-slot rate, CPU busy of each core (/proc/stat; the
 * machine may be shared, so it counts other load too), mean word confidence and the share of
 * the letter's words found. The headline `ratio_vs_native` is throughput (pages/s) with both
 * slots busy; on a shared machine read `cpu_ratio_vs_native` (CPU seconds per page, this run's
 * own processes only) instead; the line ends with the machine's load average at start/end
 * (`loadavg_1m`). Where the pool's CPU goes: see activities/erkennung/ocr.ts.
 * Then: one core, scanned one-page PDF → page image → OCR of the head region (top 35 %) →
 * H2's classifier: p50/p95 in ms.
 * Then: rotation found on pages of every style (scan, fax, photo) turned by 0/90/180/270°,
 * and its extra CPU cost against reading with the rotation known.
 * Options: --n=8 --workers=2 --dpi=300 --klassifikation=5 --rotation=12
 * Redis: REDIS_URL if set, else an own redis-server on a free port for the run.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { erzeugeTexte, alsScan, briefText, type Brief } from '../testdaten/posteingang';
import { createLokaleOcr, deutschesModell, tesseractCliArgumente, woerterAusTsv } from '../activities/erkennung/ocr';
import { createOcrPoolClient } from '../activities/erkennung/ocr-pool-client';
import { normalisiereBild, rendereSeiten } from '../activities/erkennung/seiten';
import { startOcrPool } from '../workers/ocr-pool';
import { ensureRedis } from '../scripts/stack/redis';
import { option } from './_optionen';


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

type CpuStand = { busy: number; total: number }[];

function cpuStand(): CpuStand {
  return fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const z = l.trim().split(/\s+/).slice(1).map(Number);
      const idle = (z[3] ?? 0) + (z[4] ?? 0);
      const total = z.reduce((s, v) => s + v, 0);
      return { busy: total - idle, total };
    });
}

function cpuBusy(a: CpuStand, b: CpuStand): string {
  return b.map((x, i) => `${Math.round((100 * (x.busy - a[i]!.busy)) / Math.max(1, x.total - a[i]!.total))}%`).join(' / ');
}

/** Share of the letter's words (≥ 4 letters) that the OCR text contains. */
function trefferquote(wahr: string, ocr: string): number {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\d]+/gu, ' ').split(' ').filter((w) => w.length >= 4);
  const erkannt = new Set(norm(ocr));
  const soll = norm(wahr);
  return soll.length ? soll.filter((w) => erkannt.has(w)).length / soll.length : 1;
}

function quantil(werte: number[], q: number): number {
  const s = [...werte].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

/** CPU seconds of this process (all threads) and of its waited-for children (/proc/self/stat). */
function cpuSekunden(): { selbst: number; kinder: number } {
  const u = process.cpuUsage();
  const felder = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const tick = 100;
  return { selbst: (u.user + u.system) / 1e6, kinder: (Number(felder[13]) + Number(felder[14])) / tick };
}

const mittel = (w: number[]) => (w.length ? w.reduce((s, v) => s + v, 0) / w.length : 0);

/** Native tesseract, one process per page: `parameter` = the pool's (`tesseractCliArgumente()`) or tesseract's defaults (`--psm 3` only). */
function nativ(png: string, tessdata: string, parameter: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tesseract', [png, 'stdout', '--tessdata-dir', tessdata, '-l', 'deu', '--oem', '1', ...parameter, '-c', 'tessedit_create_tsv=1'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 64 << 20 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

async function parallel<T>(anzahl: number, slots: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(anzahl);
  let next = 0;
  await Promise.all(
    Array.from({ length: slots }, async () => {
      while (next < anzahl) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

export async function run(args: string[]): Promise<void> {
  const n = option(args, 'n', 8, true);
  const workers = option(args, 'workers', 2, true);
  const dpi = option(args, 'dpi', 300, true) as 200 | 300;
  const nKlass = option(args, 'klassifikation', 5, true);
  const nRot = option(args, 'rotation', 12, true);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-bench-ocr-'));
  const lastAnfang = os.loadavg()[0]!;
  process.stdout.write(`ocr: ${n} Seiten (${dpi} dpi, Scan), ${workers} Slots, ${os.availableParallelism()} Kerne, Last (1 min) ${lastAnfang.toFixed(1)}\n`);

  // Pages: one-page scans of generated letters (first page each).
  const briefe: Brief[] = erzeugeTexte(20261126, Math.ceil(Math.max(n, nKlass, nRot) / 13) + 1).slice(0, Math.max(n, nKlass, nRot));
  const seiten: { png: Buffer; datei: string; wahr: string }[] = [];
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const scan = await alsScan(briefe[i]!, { stil: 'scan', format: 'png', dpi, seed: i });
    const { png } = await normalisiereBild(scan.seiten[0]!);
    const datei = path.join(tmp, `seite-${i}.png`);
    fs.writeFileSync(datei, png);
    seiten.push({ png, datei, wahr: briefText(briefe[i]!) });
  }
  process.stdout.write(`  Seiten erzeugt in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

  // (a) native tesseract, same model file.
  const tessdata = path.join(tmp, 'tessdata');
  fs.mkdirSync(tessdata);
  const modell = deutschesModell();
  const modellDatei = path.join(modell.langPath, modell.gzip ? 'deu.traineddata.gz' : 'deu.traineddata');
  const roh = fs.readFileSync(modellDatei);
  fs.writeFileSync(path.join(tessdata, 'deu.traineddata'), modell.gzip ? zlib.gunzipSync(roh) : roh);
  const messeNativ = async (parameter: string[]) => {
    await nativ(seiten[0]!.datei, tessdata, parameter); // warm file cache
    const c0 = cpuStand();
    const k0 = cpuSekunden().kinder;
    const t0 = performance.now();
    const ergebnisse = await parallel(n, workers, async (i) => woerterAusTsv(await nativ(seiten[i]!.datei, tessdata, parameter)));
    const s = (performance.now() - t0) / 1000;
    return {
      s,
      rate: n / s,
      cpu: cpuBusy(c0, cpuStand()),
      cpuJeSeite: (cpuSekunden().kinder - k0) / n,
      conf: mittel(ergebnisse.map((w) => mittel(w.map((x) => x.confidence)))),
      treffer: mittel(ergebnisse.map((w, i) => trefferquote(seiten[i]!.wahr, w.map((x) => x.text).join(' ')))),
    };
  };
  // Same parameters as the pool (the headline), then tesseract's defaults (extra fields).
  const nativGleich = await messeNativ(tesseractCliArgumente());
  const nativStandard = await messeNativ(['--psm', '3']);
  const nativRate = nativGleich.rate;
  const nativConf = nativGleich.conf;
  const nativCpuJeSeite = nativGleich.cpuJeSeite;

  // (b) the pool through BullMQ.
  const redis = await ensureRedis({
    explicit: Boolean(process.env.REDIS_URL), url: process.env.REDIS_URL ?? '', port: await freePort(),
    dir: path.join(tmp, 'redis'), runDir: path.join(tmp, 'run'), logDir: path.join(tmp, 'logs'), log: () => undefined,
  });
  const prefix = `bench-ocr-${process.pid}`;
  const dataDir = path.join(tmp, 'data');
  const messePool = async () => {
    let t0 = performance.now();
    const pool = await startOcrPool({ redisUrl: redis.url, dataDir, workers, prefix });
    const client = await createOcrPoolClient({ redisUrl: redis.url, dataDir, prefix, timeoutMs: 600_000 });
    const startMs = performance.now() - t0;
    try {
      // warm-up (not counted): another job id (head region), so no result is reused
      await client.erkenne(seiten[0]!.png, { region: 'kopf', rotation: 0 });
      const c = cpuStand();
      const k = cpuSekunden().selbst;
      t0 = performance.now();
      const ergebnisse = await Promise.all(seiten.map((s) => client.erkenne(s.png, { region: 'ganz', rotation: 'auto' })));
      const s = (performance.now() - t0) / 1000;
      return {
        startMs,
        s,
        cpu: cpuBusy(c, cpuStand()),
        cpuJeSeite: (cpuSekunden().selbst - k) / n,
        rate: n / s,
        conf: mittel(ergebnisse.map((e) => e.meanConfidence)),
        treffer: mittel(ergebnisse.map((e, i) => trefferquote(seiten[i]!.wahr, e.text))),
      };
    } finally {
      await client.close();
      await pool.close();
    }
  };
  let pool: Awaited<ReturnType<typeof messePool>>;
  try {
    pool = await messePool();
  } finally {
    await redis.embedded?.stop();
  }
  const poolRate = pool.rate;
  const poolConf = pool.conf;

  const zeile = (name: string, s: number, rate: number, cpu: string, cpuJeSeite: number, conf: number, treffer: number) =>
    process.stdout.write(
      `  ${name.padEnd(26)} ${s.toFixed(1).padStart(6)} s  ${rate.toFixed(3)} Seiten/s  ${(rate / workers).toFixed(3)} je Slot  CPU-Zeit ${cpuJeSeite.toFixed(2)} s/Seite  Kerne belegt ${cpu}  Konfidenz ${conf.toFixed(1)}  Wörter gefunden ${(100 * treffer).toFixed(1)} %\n`,
    );
  zeile(`native tesseract ×${workers}`, nativGleich.s, nativGleich.rate, nativGleich.cpu, nativGleich.cpuJeSeite, nativGleich.conf, nativGleich.treffer);
  zeile(`native (Standardparam.) ×${workers}`, nativStandard.s, nativStandard.rate, nativStandard.cpu, nativStandard.cpuJeSeite, nativStandard.conf, nativStandard.treffer);
  zeile(`OCR-Pool (BullMQ) ×${workers}`, pool.s, pool.rate, pool.cpu, pool.cpuJeSeite, pool.conf, pool.treffer);
  process.stdout.write(`  Pool-Start (Modell laden, ${workers} Worker): ${pool.startMs.toFixed(0)} ms\n`);

  // Time to classification, one core.
  let klassP50 = NaN;
  let klassCpuP50 = NaN;
  if (nKlass > 0) {
    const ocr = await createLokaleOcr({ workers: 1 });
    let klassifiziere: ((text: string) => string) | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const modellModul = require('../activities/erkennung/modell') as { ladeKlassifikator(o: object): Promise<{ erkenne(text: string): { dokumentart: string } }> };
      const k = await modellModul.ladeKlassifikator({});
      klassifiziere = (text) => k.erkenne(text).dokumentart;
    } catch (err) {
      process.stdout.write(`  Klassifikator nicht verfügbar (${(err as Error).message.split('\n')[0]}): nur OCR-Zeit\n`);
    }
    const zeiten: number[] = [];
    const cpuZeiten: number[] = [];
    const ocrZeiten: number[] = [];
    let richtig = 0;
    try {
      const pdfs: { datei: Buffer; art: string }[] = [];
      for (let i = 0; i < nKlass; i++) {
        const scan = await alsScan(briefe[i]!, { stil: 'scan', format: 'pdf', dpi, seed: 100 + i });
        pdfs.push({ datei: scan.datei!, art: briefe[i]!.art });
      }
      await ocr.erkenne(seiten[0]!.png, { region: 'kopf', rotation: 0 }); // warm-up
      for (const p of pdfs) {
        const t0 = performance.now();
        const k0 = cpuSekunden().selbst;
        let text = '';
        for await (const s of rendereSeiten(p.datei, 'application/pdf')) {
          const t1 = performance.now();
          text = s.textlayer && s.png.length === 0 ? s.textlayer : (await ocr.erkenne(s.png, { region: 'kopf' })).text;
          ocrZeiten.push(performance.now() - t1);
          break;
        }
        const art = klassifiziere?.(text);
        zeiten.push(performance.now() - t0);
        cpuZeiten.push((cpuSekunden().selbst - k0) * 1000);
        if (art === p.art) richtig++;
      }
    } finally {
      await ocr.close();
    }
    klassP50 = quantil(zeiten, 0.5);
    klassCpuP50 = quantil(cpuZeiten, 0.5);
    process.stdout.write(
      `  Klassifikation 1 Seite (Scan-PDF → Kopf-OCR → ${klassifiziere ? 'Klassifikator' : 'nur OCR'}), 1 Kern: p50 ${klassP50.toFixed(0)} ms, p95 ${quantil(zeiten, 0.95).toFixed(0)} ms (davon Kopf-OCR p50 ${quantil(ocrZeiten, 0.5).toFixed(0)} ms), CPU-Zeit p50 ${quantil(cpuZeiten, 0.5).toFixed(0)} ms${klassifiziere ? `, richtig ${richtig}/${zeiten.length}` : ''}\n`,
    );
  }
  // Rotation: pages of every style turned on the scanner; cost of 'auto' vs a known rotation.
  let rotRichtig = 0;
  let rotN = 0;
  const mehrAufrecht: number[] = [];
  const mehrGedreht: number[] = [];
  if (nRot > 0) {
    const ocr = await createLokaleOcr({ workers: 1 });
    try {
      const stile = ['scan', 'fax', 'foto'] as const;
      const winkel = [0, 90, 180, 270] as const;
      await ocr.erkenne(seiten[0]!.png, { region: 'kopf', rotation: 0 }); // warm-up
      for (let i = 0; i < nRot; i++) {
        const stil = stile[i % 3]!;
        const rot = winkel[Math.floor(i / 3) % 4]!;
        const scan = await alsScan(briefe[i % briefe.length]!, { stil, format: 'png', rotation: rot, seed: 200 + i });
        const { png } = await normalisiereBild(scan.seiten[0]!);
        const erwartet = (360 - rot) % 360;
        let c = cpuSekunden().selbst;
        const auto = await ocr.erkenne(png, { region: 'kopf', rotation: 'auto' });
        const cAuto = cpuSekunden().selbst - c;
        c = cpuSekunden().selbst;
        await ocr.erkenne(png, { region: 'kopf', rotation: erwartet as 0 | 90 | 180 | 270 });
        const cFix = cpuSekunden().selbst - c;
        rotN++;
        if (auto.rotation === erwartet) rotRichtig++;
        (rot === 0 ? mehrAufrecht : mehrGedreht).push((cAuto - cFix) * 1000);
      }
    } finally {
      await ocr.close();
    }
    process.stdout.write(
      `  Drehung erkannt (Scan/Fax/Foto × 0/90/180/270°, Kopf-OCR): ${rotRichtig}/${rotN}; Mehrkosten 'auto' CPU je Seite: aufrecht ${mittel(mehrAufrecht).toFixed(0)} ms, gedreht ${mittel(mehrGedreht).toFixed(0)} ms\n`,
    );
  }

  fs.rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(
    `ocr: ratio_vs_native=${(poolRate / nativRate).toFixed(2)} pages_per_s_2cores=${poolRate.toFixed(3)} native_pages_per_s=${nativRate.toFixed(3)} cpu_ratio_vs_native=${(nativCpuJeSeite / pool.cpuJeSeite).toFixed(2)} conf_pool=${poolConf.toFixed(1)} conf_native=${nativConf.toFixed(1)} klassifikation_p50_ms=${klassP50.toFixed(0)} klassifikation_cpu_p50_ms=${klassCpuP50.toFixed(0)} rotation_richtig=${rotRichtig}/${rotN} cpu_s_per_page_pool=${pool.cpuJeSeite.toFixed(3)} cpu_s_per_page_native=${nativCpuJeSeite.toFixed(3)} ratio_vs_native_defaults=${(poolRate / nativStandard.rate).toFixed(2)} cpu_ratio_vs_native_defaults=${(nativStandard.cpuJeSeite / pool.cpuJeSeite).toFixed(2)} conf_native_defaults=${nativStandard.conf.toFixed(1)} loadavg_1m=${lastAnfang.toFixed(1)}/${os.loadavg()[0]!.toFixed(1)}\n`,
  );
}
