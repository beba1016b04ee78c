/**
 * `aktenlauf up`: the whole local stack in one command.
 * Temporal dev server (SQLite under data/), Redis, the worker, the intake watcher, the
 * console and the simulators; prints the URLs, runs until Ctrl-C, then stops every child
 * in order. A child that dies is restarted with backoff; one that keeps dying stops the stack.
 */
import path from 'node:path';
import fs from 'node:fs';
import type { Config } from '../platform/config';
import { loadKeyRing } from '../platform/codec';
import { engeDatenverzeichnisEin } from '../platform/lifecycle';
import { connect, ensureNamespace } from '../platform/temporal';
import { ensureChromium } from '../scripts/stack/chromium';
import { killStale, spawnManaged, stopManaged, type ManagedProcess } from '../scripts/stack/process';
import { ensureRedis, redactUrl } from '../scripts/stack/redis';
import { devServerOptionsFromConfig, ensureTemporalCli, startDevServer } from '../scripts/stack/temporal';
import { demoAccessFile } from '../console/users';
import { demoPostAnzahl, legeDemoPostAb, sendeDemoMail } from './demo-post';

interface NodeService {
  name: string;
  script: string;
  label: string;
}

const SERVICES: NodeService[] = [
  { name: 'simulators', script: 'workers/simulators.js', label: 'Simulatoren' },
  { name: 'robots', script: 'connectors/robot-pool/main.js', label: 'Robot-Pool' },
  { name: 'ocr', script: 'workers/ocr-pool.js', label: 'OCR-Pool' },
  { name: 'worker', script: 'workers/temporal-worker.js', label: 'Temporal-Worker' },
  { name: 'console', script: 'console/server.js', label: 'Konsole' },
  { name: 'intake', script: 'workers/intake-watcher.js', label: 'Posteingang-Überwachung' },
];

const say = (m: string) => process.stdout.write(`${m}\n`);

export async function up(cfg: Config): Promise<number> {
  const t0 = Date.now();
  const logDir = path.join(cfg.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const eingeengt = engeDatenverzeichnisEin(cfg.dataDir, cfg.umask);
  if (eingeengt) say(eingeengt);
  const other = runningSupervisor(cfg.runDir);
  if (other) {
    say(`FEHLER: Aktenlauf läuft bereits mit diesem Datenverzeichnis (${cfg.dataDir}, pid ${other}).`);
    say('  → Den laufenden Stack mit Strg+C beenden, oder ein anderes AKTENLAUF_DATA_DIR wählen.');
    return 1;
  }
  writeSupervisorLock(cfg.runDir);
  // A closed terminal or pipe (e.g. `npm start | tee` after Ctrl-C) must not kill the
  // supervisor mid-shutdown with EPIPE and orphan Temporal and Redis.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const stale = killStale(cfg.runDir);
  if (stale.length) say(`Aufgeräumt: übrig gebliebene Prozesse eines früheren Laufs beendet: ${stale.join(', ')}`);

  const keys = loadKeyRing({ keysFromEnv: cfg.codec.keysFromEnv, keyFile: cfg.codec.keyFile, generate: true });
  if (keys.source === 'generated') {
    say(`WARNUNG: Kein AKTENLAUF_CODEC_KEYS gesetzt – lokaler Schlüssel erzeugt in ${cfg.codec.keyFile}.`);
    say('         Für den Betrieb einen Schlüssel aus dem Schlüsselspeicher über AKTENLAUF_CODEC_KEYS geben.');
  }

  const infra: ManagedProcess[] = [];
  const services = new Map<string, ManagedProcess>();
  // Last resort: whatever way this process exits, no child outlives it.
  process.once('exit', () => {
    for (const p of [...services.values(), ...infra]) {
      if (p.child.pid && p.child.exitCode === null && p.child.signalCode === null) {
        try {
          process.kill(-p.child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  });
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const s of [...SERVICES].reverse()) {
      const p = services.get(s.name);
      if (p) await stopManaged(p);
    }
    for (const p of infra.reverse()) await stopManaged(p);
  };

  try {
    const redisPromise = ensureRedis({ explicit: cfg.redis.explicit, url: cfg.redis.url, port: cfg.redis.embeddedPort, dir: cfg.redis.dir, runDir: cfg.runDir, logDir, log: say });
    let temporalAddress = cfg.temporal.address;
    if (cfg.temporal.embedded) {
      const cli = await ensureTemporalCli(cfg.temporal.cliPath, say);
      const server = await startDevServer(devServerOptionsFromConfig(cfg, cli.path, false));
      infra.push(server.process);
      temporalAddress = server.address;
    } else {
      const conn = await connect(cfg.temporal.address);
      await ensureNamespace(conn, cfg.temporal.namespace, cfg.temporal.retentionDays);
      await conn.close();
    }
    const redis = await redisPromise;
    if (redis.embedded) infra.push(redis.embedded.process);
    let chromium = '';
    try {
      chromium = ensureChromium(cfg.chromiumPath, say);
    } catch (err) {
      say(`WARNUNG: ${(err as Error).message} (Robots und Browser-Tests brauchen Chromium)`);
    }

    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      AKTENLAUF_DATA_DIR: cfg.dataDir,
      AKTENLAUF_REDIS_URL_EFFECTIVE: redis.url,
      ...(chromium ? { CHROMIUM_PATH: chromium } : {}),
    };
    const distRoot = path.resolve(__dirname, '..');
    const restarts = new Map<string, number[]>();
    const startService = async (s: NodeService): Promise<void> => {
      const p = spawnManaged(s.name, process.execPath, [path.join(distRoot, s.script)], { runDir: cfg.runDir, logDir, env: childEnv, ipc: true });
      services.set(s.name, p);
      const ready = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${s.label} meldet sich nicht bereit (Log: ${p.logFile})`)), 60000);
        p.child.on('message', (m: { type?: string }) => {
          if (m?.type === 'ready') {
            clearTimeout(timer);
            resolve();
          }
        });
        void p.exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${s.label} hat sich beim Start beendet (Code ${code}); Log: ${p.logFile}`));
        });
      });
      await ready;
      void p.exited.then(async (code) => {
        if (stopping) return;
        const now = Date.now();
        const recent = (restarts.get(s.name) ?? []).filter((t) => now - t < 5 * 60000);
        recent.push(now);
        restarts.set(s.name, recent);
        if (recent.length > 5) {
          say(`FEHLER: ${s.label} ist in 5 Minuten mehr als 5-mal abgestürzt (Log: ${p.logFile}); Aktenlauf wird beendet.`);
          process.kill(process.pid, 'SIGTERM');
          return;
        }
        const delay = Math.min(30000, 1000 * 2 ** (recent.length - 1));
        say(`${s.label} hat sich beendet (Code ${code}); Neustart in ${delay / 1000} s …`);
        await new Promise((r) => setTimeout(r, delay));
        if (!stopping) await startService(s).catch((err: Error) => say(`Neustart fehlgeschlagen: ${err.message}`));
      });
    };
    for (const s of SERVICES) await startService(s);

    const secs = ((Date.now() - t0) / 1000).toLocaleString('de-DE', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    say('');
    say(`Aktenlauf läuft (Start in ${secs} s).`);
    say(`  Konsole:            ${cfg.console.publicUrl}`);
    if (cfg.temporal.uiUrl) say(`  Temporal Web UI:    ${cfg.console.publicUrl}/temporal/ (über die Konsole, entschlüsselt)`);
    say(`  Terminbuchung:      ${cfg.console.publicUrl}/termin (öffentlich, ohne Anmeldung; Bestätigungen im Postfach-Simulator data/sim/mail)`);
    say(`  Temporal (gRPC):    ${temporalAddress}`);
    say(`  Redis:              ${redactUrl(redis.url)}${redis.embedded ? ' (eigener redis-server, Daten in data/redis)' : ''}`);
    say(`  Simulatoren:        http://127.0.0.1:${cfg.simulators.port}`);
    say(`  Scanner-Eingang:    ${cfg.intake.scannerDir}`);
    if (cfg.intake.mail.port > 0) say(`  E-Mail-Eingang:     smtp://${cfg.intake.mail.host}:${cfg.intake.mail.port} (einliefern darf nur: ${cfg.intake.mail.erlaubt.join(', ')})`);
    say(`  Daten und Logs:     ${cfg.dataDir}`);
    say(cfg.console.demoPassword ? '  Anmeldung:          Demo-Benutzer, Passwort aus AKTENLAUF_DEMO_PASSWORD' : `  Anmeldung:          Demo-Benutzer und Passwort in ${demoAccessFile(cfg)}`);
    say('Beenden mit Strg+C.');
    // Demo post at the first start of a data dir (AKTENLAUF_DEMO_POST, default 8; 0 = none).
    void legeDemoPostAb(cfg, demoPostAnzahl())
      .then(async (n) => {
        if (n > 0) say(`Demo: ${n} erzeugte Briefe in den Scanner-Eingang gelegt (Posteingang, Postkorb und E-Akte-Simulator zeigen sie gleich).`);
        if (n > 0 && cfg.intake.mail.port > 0) {
          await sendeDemoMail(cfg).then(
            () => say('Demo: eine E-Mail mit einem Weiterbewilligungsantrag an den E-Mail-Eingang geschickt.'),
            (err: Error) => say(`Demo-E-Mail nicht zugestellt: ${err.message}`),
          );
        }
      })
      .catch((err: Error) => say(`Demo-Post nicht angelegt: ${err.message}`));

    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
      process.once('SIGHUP', () => resolve());
      // If whoever started us (npm start, a shell) goes away without a signal, stop too.
      const parent = process.ppid;
      setInterval(() => {
        if (process.ppid !== parent) resolve();
      }, 1000).unref();
    });
    say('Beende Aktenlauf …');
    await stopAll();
    say('Alle Prozesse beendet.');
    return 0;
  } catch (err) {
    say(`FEHLER: ${(err as Error).message}`);
    await stopAll();
    return 1;
  } finally {
    fs.rmSync(lockFile(cfg.runDir), { force: true });
  }
}

const lockFile = (runDir: string) => path.join(runDir, 'supervisor.lock');

/** The pid of another live `aktenlauf up` on this data dir, if any. */
function runningSupervisor(runDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(lockFile(runDir), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!(pid > 0) || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('aktenlauf') ? pid : undefined;
  } catch {
    return undefined;
  }
}

function writeSupervisorLock(runDir: string): void {
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(lockFile(runDir), `${process.pid}\n`);
}
