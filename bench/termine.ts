/**
 * termine: 200 concurrent booking requests for one day of one location through the public page
 * (HTTP, real Temporal, real Redis ledger, one worker, SMTP sink) — far more than the day holds.
 * Every request is a full booking: details form → reservation; the winners confirm (proof of
 * work as the browser does). Afterwards the confirmed appointments (workflow queries, the
 * business record) are checked against the capacity: for every slot unit at most `personal`
 * appointments; `double_bookings` counts units above that (must be 0), plus ledger keys whose
 * owner is not a confirmed appointment.
 * TEMPORAL_ADDRESS set = that server; else a private dev server; REDIS_URL or an own redis-server.
 * Options: --requests=200 --personal=3
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { registerTerminePublic } from '../console/termine-public';
import { KapazitaetStore } from '../activities/termine/kapazitaet';
import { Belegung } from '../activities/termine/ledger';
import { loesePow } from '../activities/termine/schluessel';
import { schliesseTermineLaufzeit } from '../activities/termine';
import { startMailSink } from '../connectors/mail/simulator';
import { STANDARD_KAPAZITAET, buchbareTage, startzeitenDesTages, type Standort } from '../domain/termine';
import type { TerminZustand } from '../domain/termine-vorgang';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { codecFromConfig, connect, ensureNamespace, makeClient } from '../platform/temporal';
import { ensureRedis } from '../scripts/stack/redis';
import { ensureTemporalCli, startDevServer, type DevServer } from '../scripts/stack/temporal';
import { stopManaged } from '../scripts/stack/process';
import { createEngineWorker, WORKFLOW_BUNDLE } from '../workers/temporal-worker';
import { option, freiePort } from './_optionen';



const p95 = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] as number;
};

export async function run(args: string[]): Promise<void> {
  const requests = option(args, 'requests', 200);
  const personal = option(args, 'personal', 3);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* already installed */
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-bench-termine-'));
  const runDir = path.join(dir, 'run');
  const logDir = path.join(dir, 'logs');
  const log = (m: string) => out(`  ${m}`);
  const aufraeumen: Array<() => Promise<unknown>> = [];
  try {
    let server: DevServer | undefined;
    let address = process.env.TEMPORAL_ADDRESS;
    if (!address) {
      const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, log);
      server = await startDevServer({
        cliPath: cli.path, dbFile: path.join(dir, 'temporal.db'), port: await freiePort(), uiPort: 0, headless: true,
        namespace: 'default', retentionDays: 30, runDir, logDir, name: 'temporal-bench',
      });
      aufraeumen.push(() => stopManaged(server!.process, 10000));
      address = server.address;
    }
    const rs = await ensureRedis({ explicit: Boolean(process.env.REDIS_URL), url: process.env.REDIS_URL ?? '', port: await freiePort(), dir: path.join(dir, 'redis'), runDir, logDir, log });
    if (rs.embedded) aufraeumen.push(() => rs.embedded!.stop());
    out(`  Temporal ${address}${server ? ' (eigener Dev-Server)' : ''}, Redis ${rs.embedded ? 'eigener redis-server' : 'REDIS_URL'}`);

    const cfg = loadConfig({
      AKTENLAUF_DATA_DIR: path.join(dir, 'data'),
      AKTENLAUF_LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: `bench-termine-${randomBytes(3).toString('hex')}`,
      REDIS_URL: rs.url,
      AKTENLAUF_CODEC_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    });
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    const sink = await startMailSink({ port: 0, dir: path.join(dir, 'mail') });
    aufraeumen.push(() => sink.stop());
    process.env.MAIL_SMTP_URL = sink.url;
    process.env.REDIS_URL = rs.url;

    const standortId = `bench-${randomBytes(3).toString('hex')}`;
    const standort: Standort = {
      id: standortId, name: 'Jobcenter Hauptstelle Kreisstadt', anschrift: 'Am Markt 1, 37073 Musterstadt', land: 'NI', slotMinuten: 30, personal,
      oeffnungszeiten: Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [{ von: '08:00', bis: '12:00' }]])), schliesstage: [], teamId: 'LE-S-AD',
    };
    const kap = { ...STANDARD_KAPAZITAET, mindestvorlaufMinuten: 0, standorte: [standort] };
    KapazitaetStore.fuer(cfg.dataDir).schreibe(kap);
    const tag = buchbareTage(kap, standortId, Date.now())[1]!;
    const starts = startzeitenDesTages(standort, tag, kap.neuantragSlots);
    const einheiten = [...new Set(starts.flatMap((s) => s.einheiten))].length;
    out(`  Tag ${tag}: ${starts.length} Anfangszeiten, ${einheiten} Einheiten × ${personal} Personal (Neuantrag = ${kap.neuantragSlots} Einheiten) → höchstens ${Math.floor((einheiten * personal) / kap.neuantragSlots)} Termine`);

    const { codec } = codecFromConfig(cfg, false);
    const native = await NativeConnection.connect({ address });
    const worker = await createEngineWorker({
      connection: native, namespace: cfg.temporal.namespace, taskQueue: cfg.temporal.taskQueue, codec,
      deps: { dataDir: cfg.dataDir },
      workflowBundleCode: fs.existsSync(WORKFLOW_BUNDLE) ? fs.readFileSync(WORKFLOW_BUNDLE, 'utf8') : undefined,
    });
    const laeuft = worker.run();
    aufraeumen.unshift(async () => {
      worker.shutdown();
      await laeuft;
      await native.close();
      await schliesseTermineLaufzeit();
    });
    const connection = await connect(address);
    aufraeumen.unshift(() => connection.close());
    const client = makeClient(connection, cfg.temporal.namespace, codec);
    if (!server) await ensureNamespace(connection, cfg.temporal.namespace, 30);

    const redis = new Redis(rs.url);
    aufraeumen.unshift(() => redis.quit());
    const app = Fastify();
    await app.register(fastifyFormbody);
    const powBits = 14;
    const { dienst } = registerTerminePublic(app, {
      temporal: client, redis, dataDir: cfg.dataDir, taskQueue: cfg.temporal.taskQueue, publicUrl: 'http://127.0.0.1', log: createLogger('bench', 'silent'),
      config: { policy: { reservierungMs: 5 * 60_000 }, powBits, bedenkzeitMs: 60_000, rate: { fensterS: 600, seiten: 0, reservierungen: 0, fehlversuche: 0 } },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    aufraeumen.unshift(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const form = async (url: string, body: Record<string, string>) =>
      fetch(base + url, { method: 'POST', redirect: 'manual', body: new URLSearchParams(body).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    // Everyone opens the details form first (as the browser does), then all submit at once.
    const formulare = await Promise.all(
      Array.from({ length: requests }, async (_, i) => {
        const start = starts[i % starts.length]!;
        const seite = await (await fetch(`${base}/termin/angaben?standort=${standortId}&tag=${tag}&uhrzeit=${start.uhrzeit}`)).text();
        return { uhrzeit: start.uhrzeit, formular: /name="formular" value="([^"]+)"/.exec(seite)?.[1] ?? '' };
      }),
    );
    const reservierMs: number[] = [];
    const bestaetigMs: number[] = [];
    let gewonnen = 0;
    let belegt = 0;
    let fehler = 0;
    const t0 = performance.now();
    await Promise.all(
      formulare.map(async (f, i) => {
        const t = performance.now();
        const res = await form('/termin/reservieren', { standort: standortId, tag, uhrzeit: f.uhrzeit, formular: f.formular, name: `Anna ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26) % 26)}mann`, email: `person${i}@example.org`, einwilligung: 'ja' });
        const body = await res.text();
        reservierMs.push(performance.now() - t);
        const ziel = res.headers.get('location');
        if (res.status === 303 && ziel) {
          const m = /\/termin\/bestaetigen\/(termin-[0-9a-f]{24})\?k=([a-z2-9]{10})/.exec(ziel)!;
          const tb = performance.now();
          const seite = await (await fetch(base + ziel)).text();
          const challenge = /data-pow-challenge="([0-9a-f]+)"/.exec(seite)![1]!;
          const b = await form(`/termin/bestaetigen/${m[1]}`, { k: m[2]!, pow: loesePow(challenge, powBits) });
          await b.text();
          bestaetigMs.push(performance.now() - tb);
          if (b.status === 303) gewonnen += 1;
          else fehler += 1;
        } else if (res.status === 409 && body.includes('von jemand anderem gebucht')) belegt += 1;
        else {
          fehler += 1;
          if (fehler === 1) out(`  erste unerwartete Antwort: HTTP ${res.status} ${/role="alert"[^>]*>([\s\S]{0,300})/.exec(body)?.[1]?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') ?? ''}`);
        }
      }),
    );
    const gesamtS = (performance.now() - t0) / 1000;

    // The business record: every workflow of that day, its state by query.
    const ids: string[] = [];
    for await (const wf of client.workflow.list({ query: `TaskQueue = '${cfg.temporal.taskQueue}' AND WorkflowType = 'terminvergabe'` })) ids.push(wf.workflowId);
    const zustaende = (await Promise.all(ids.map(async (id) => ({ id, z: await client.workflow.getHandle(id).query<TerminZustand>('terminZustand') })))).filter((x) => x.z.status === 'bestaetigt');
    const proEinheit = new Map<string, number>();
    for (const { z } of zustaende) for (const e of z.slot.einheiten) proEinheit.set(e, (proEinheit.get(e) ?? 0) + 1);
    let doppelt = [...proEinheit.values()].reduce((n, c) => n + Math.max(0, c - personal), 0);
    const bestaetigte = new Set(zustaende.map((x) => `${x.id}#0`));
    const ledger = await new Belegung(redis).belegungen(standortId, tag);
    const fremd = [...ledger.values()].filter((o) => !bestaetigte.has(o)).length;
    doppelt += fremd;
    const frei = await dienst.freieZeiten(standortId, tag);

    out(`  ${requests} Buchungsanfragen gleichzeitig in ${gesamtS.toFixed(2)} s: ${gewonnen} gebucht, ${belegt} abgewiesen (belegt), ${fehler} Fehler`);
    out(`  Reservierung p95 ${p95(reservierMs).toFixed(0)} ms; Bestätigung (Seite + Arbeitsnachweis + Update) p95 ${p95(bestaetigMs).toFixed(0)} ms`);
    out(`  bestätigte Workflows: ${zustaende.length}; Ledger-Schlüssel: ${ledger.size} (ohne bestätigten Besitzer: ${fremd}); freie Anfangszeiten danach: ${frei.ok ? frei.slots.length : 'n/a'}`);
    out(`  höchste Belegung einer Einheit: ${Math.max(0, ...proEinheit.values())} von ${personal}`);
    out(`termine: requests=${requests} double_bookings=${doppelt} p95_ms=${Math.round(p95(reservierMs))}`);
  } finally {
    for (const f of aufraeumen) {
      try {
        await f();
      } catch {
        /* best effort */
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
