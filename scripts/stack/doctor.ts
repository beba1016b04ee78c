/**
 * Health checks of every part of the stack, each with a plain-words diagnosis and a fix.
 * Used by `aktenlauf doctor`, `aktenlauf status` and the console's status page.
 * Every check has a short timeout: a stopped service is reported, never waited for.
 */
import { mitFrist } from '../../platform/frist';
import fs from 'node:fs';
import type { Config } from '../../platform/config';
import { loadKeyRing } from '../../platform/codec';
import { datenverzeichnisZuOffen } from '../../platform/lifecycle';
import { connect } from '../../platform/temporal';
import { ALL_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { launchChromium, locateChromium } from './chromium';
import { probeRedis, redactUrl } from './redis';
import { locateTemporalCli } from './temporal';
import { connectorHealth } from '../../connectors/health';
import { ocrCheck } from '../../activities/erkennung/ocr-pool-client';

export interface Check {
  id: string;
  label: string;
  ok: boolean;
  /** false for checks whose failure does not stop the engine (e.g. Web UI). */
  required: boolean;
  detail: string;
  fix?: string;
}

export interface CheckOptions {
  /** Redis URL actually in use (the embedded one when REDIS_URL is unset). */
  redisUrl?: string;
  /** Include the Chromium launch check (slower: starts a browser). */
  launchBrowser?: boolean;
  timeoutMs?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return mitFrist(p, ms, () => new Error(`${what}: keine Antwort nach ${ms} ms`));
}

export function embeddedRedisUrl(cfg: Config): string {
  return cfg.redis.explicit ? cfg.redis.url : `redis://127.0.0.1:${cfg.redis.embeddedPort}`;
}

export async function checkStack(cfg: Config, o: CheckOptions = {}): Promise<Check[]> {
  const timeoutMs = o.timeoutMs ?? 3000;
  const checks: Check[] = [];

  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  checks.push({
    id: 'node', label: 'Node.js', required: true,
    ok: major > 20 || (major === 20 && minor >= 19),
    detail: `Node.js ${process.versions.node}`,
    fix: 'Node.js 20.19 oder neuer installieren.',
  });

  try {
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    fs.accessSync(cfg.dataDir, fs.constants.W_OK);
    const offen = datenverzeichnisZuOffen(cfg.dataDir, cfg.umask);
    checks.push(
      offen
        ? { id: 'data', label: 'Datenverzeichnis', required: false, ok: false, detail: `${cfg.dataDir}: Rechte ${offen.modus} – auch andere Benutzer der Maschine kommen an die Sozialdaten`, fix: `chmod ${offen.soll} ${cfg.dataDir} (oder einmal \`aktenlauf up\`, das es selbst tut)` }
        : { id: 'data', label: 'Datenverzeichnis', required: true, ok: true, detail: cfg.dataDir },
    );
  } catch (err) {
    checks.push({ id: 'data', label: 'Datenverzeichnis', required: true, ok: false, detail: `${cfg.dataDir}: ${(err as Error).message}`, fix: 'AKTENLAUF_DATA_DIR auf ein beschreibbares Verzeichnis setzen.' });
  }

  try {
    const keys = loadKeyRing({ keysFromEnv: cfg.codec.keysFromEnv, keyFile: cfg.codec.keyFile, generate: false });
    checks.push({
      id: 'codec', label: 'Verschlüsselung (Payload-Codec)', required: true, ok: true,
      detail: `AES-256-GCM, aktiver Schlüssel ${keys.ring.activeKeyId}, ${keys.ring.keys.size} Schlüssel, Quelle: ${keys.source === 'env' ? 'AKTENLAUF_CODEC_KEYS' : cfg.codec.keyFile}`,
    });
  } catch (err) {
    checks.push({ id: 'codec', label: 'Verschlüsselung (Payload-Codec)', required: true, ok: false, detail: (err as Error).message, fix: 'AKTENLAUF_CODEC_KEYS setzen (id:base64-Schlüssel mit 32 Bytes) oder einmal `aktenlauf up` starten, das einen lokalen Schlüssel erzeugt.' });
  }

  if (cfg.temporal.embedded) {
    try {
      const cli = locateTemporalCli(cfg.temporal.cliPath);
      checks.push(cli
        ? { id: 'temporal-cli', label: 'Temporal CLI', required: true, ok: true, detail: `${cli.path} (${cli.source})` }
        : { id: 'temporal-cli', label: 'Temporal CLI', required: true, ok: false, detail: 'nicht gefunden (PATH, TEMPORAL_CLI, Benutzer-Cache)', fix: '`aktenlauf up` baut sie mit Go; sonst installieren und TEMPORAL_CLI setzen.' });
    } catch (err) {
      checks.push({ id: 'temporal-cli', label: 'Temporal CLI', required: true, ok: false, detail: (err as Error).message });
    }
  }

  try {
    const conn = await withTimeout(connect(cfg.temporal.address, timeoutMs), timeoutMs + 500, 'Temporal');
    try {
      const ns = await withTimeout(conn.workflowService.describeNamespace({ namespace: cfg.temporal.namespace }), timeoutMs, 'Temporal');
      const retentionDays = Math.round(Number(ns.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86400);
      const sa = await withTimeout(conn.operatorService.listSearchAttributes({ namespace: cfg.temporal.namespace }), timeoutMs, 'Temporal');
      const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (sa.customAttributes ?? {}))).map((k) => k.name);
      checks.push({ id: 'temporal', label: 'Temporal-Server', required: true, ok: true, detail: `${cfg.temporal.address}, Namespace ${cfg.temporal.namespace}, Aufbewahrung ${retentionDays} Tage` });
      checks.push({
        id: 'temporal-sa', label: 'Suchattribute', required: true, ok: missing.length === 0,
        detail: missing.length === 0 ? ALL_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ') : `fehlen: ${missing.join(', ')}`,
        fix: '`aktenlauf up` registriert sie beim Start.',
      });
    } finally {
      await conn.close();
    }
  } catch (err) {
    checks.push({
      id: 'temporal', label: 'Temporal-Server', required: true, ok: false,
      detail: `${cfg.temporal.address} antwortet nicht: ${(err as Error).message.split('\n')[0]}`,
      fix: cfg.temporal.embedded ? '`npm start` (oder `aktenlauf up`) starten.' : 'TEMPORAL_ADDRESS prüfen; läuft der Cluster?',
    });
  }

  const redisUrl = o.redisUrl ?? embeddedRedisUrl(cfg);
  const redis = await probeRedis(redisUrl, Math.min(timeoutMs, 2000));
  checks.push(redis.ok
    ? {
      id: 'redis', label: 'Redis', required: true,
      ok: !redis.evictionPolicy || redis.evictionPolicy === 'noeviction',
      detail: `${redactUrl(redisUrl)}, Version ${redis.version ?? '?'}, maxmemory-policy ${redis.evictionPolicy ?? 'unbekannt'}`,
      fix: 'maxmemory-policy auf noeviction setzen (BullMQ darf keine Jobs verlieren).',
    }
    : {
      id: 'redis', label: 'Redis', required: true, ok: false,
      detail: `${redactUrl(redisUrl)} antwortet nicht (${redis.error})`,
      fix: cfg.redis.explicit ? 'Redis starten oder REDIS_URL korrigieren; ohne REDIS_URL startet Aktenlauf einen eigenen redis-server.' : '`npm start` startet den eingebetteten redis-server.',
    });

  try {
    const chromiumPath = locateChromium(cfg.chromiumPath);
    if (!chromiumPath) {
      checks.push({ id: 'chromium', label: 'Chromium', required: true, ok: false, detail: 'nicht gefunden', fix: 'sudo apt-get install chromium — oder CHROMIUM_PATH setzen.' });
    } else if (o.launchBrowser) {
      const browser = await withTimeout(launchChromium(chromiumPath), 30000, 'Chromium');
      const version = browser.version();
      await browser.close();
      checks.push({ id: 'chromium', label: 'Chromium', required: true, ok: true, detail: `${chromiumPath}, startet (Version ${version})` });
    } else {
      checks.push({ id: 'chromium', label: 'Chromium', required: true, ok: true, detail: chromiumPath });
    }
  } catch (err) {
    checks.push({ id: 'chromium', label: 'Chromium', required: true, ok: false, detail: (err as Error).message.split('\n')[0]!, fix: 'Chromium neu installieren (apt-get install --reinstall chromium).' });
  }

  checks.push(await httpCheck('console', 'Konsole', `${cfg.console.publicUrl}/healthz`, timeoutMs, true, '`npm start` startet die Konsole.'));
  checks.push(await httpCheck('simulators', 'Simulatoren', `http://127.0.0.1:${cfg.simulators.port}/healthz`, timeoutMs, false, '`npm start` startet die Simulatoren.'));
  checks.push(...(await connectorHealth(cfg, timeoutMs, process.env, redisUrl, redis.ok)));
  checks.push(await ocrCheck(redis.ok ? redisUrl : undefined, timeoutMs));
  if (cfg.temporal.embedded) {
    checks.push(await httpCheck('temporal-ui', 'Temporal Web UI', `http://127.0.0.1:${cfg.temporal.uiPort}/temporal/`, timeoutMs, false, 'Startet mit `npm start`; in Tests bewusst abgeschaltet.'));
  }
  return checks;
}

async function httpCheck(id: string, label: string, url: string, timeoutMs: number, required: boolean, fix: string): Promise<Check> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    return { id, label, required, ok: res.status < 500, detail: `${url} → HTTP ${res.status}`, fix };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    return { id, label, required, ok: false, detail: `${url} antwortet nicht (${cause})`, fix };
  }
}
