/**
 * Redis for the local stack: REDIS_URL if given (it must answer, fast), else an own
 * redis-server child with AOF and noeviction (BullMQ must never lose a job to eviction),
 * its data under data/redis.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { isRoot, spawnManaged, stopManaged, waitFor, which, type ManagedProcess } from './process';
import { StackError } from './temporal';

export interface RedisProbe {
  ok: boolean;
  version?: string;
  evictionPolicy?: string;
  error?: string;
}

/** One PING with a short timeout and no retries: answers quickly when Redis is down. */
export async function probeRedis(url: string, timeoutMs = 1500): Promise<RedisProbe> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: string | undefined;
  client.on('error', (err: NodeJS.ErrnoException) => {
    lastError = err.code ?? err.message;
  });
  try {
    await client.connect();
    await client.ping();
    const info = await client.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1];
    let evictionPolicy: string | undefined;
    try {
      const cfg = (await client.config('GET', 'maxmemory-policy')) as string[];
      evictionPolicy = cfg[1];
    } catch {
      /* CONFIG may be disabled on managed Redis */
    }
    return { ok: true, version, evictionPolicy };
  } catch (err) {
    return { ok: false, error: lastError ?? (err as Error).message };
  } finally {
    client.disconnect();
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

export function findRedisServer(): string | undefined {
  return which('redis-server') ?? ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p));
}

export function installRedisWithApt(log: (m: string) => void): string {
  if (!isRoot() || !which('apt-get')) {
    throw new StackError('redis-server ist nicht installiert.', 'Installieren: sudo apt-get install redis-server — oder REDIS_URL auf einen laufenden Redis setzen.');
  }
  log('redis-server fehlt; installiere das Debian-Paket redis-server …');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const found = findRedisServer();
  if (!found) throw new StackError('redis-server fehlt auch nach apt-get install.', 'apt-get update ausführen und erneut starten.');
  return found;
}

export interface EmbeddedRedis {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startEmbeddedRedis(o: { port: number; dir: string; runDir: string; logDir: string; log: (m: string) => void; name?: string }): Promise<EmbeddedRedis> {
  const bin = findRedisServer() ?? installRedisWithApt(o.log);
  fs.mkdirSync(o.dir, { recursive: true });
  const args = [
    '--port', String(o.port),
    '--bind', '127.0.0.1',
    '--dir', path.resolve(o.dir),
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    '--save', '',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
  ];
  const proc = spawnManaged(o.name ?? 'redis', bin, args, { runDir: o.runDir, logDir: o.logDir });
  const url = `redis://127.0.0.1:${o.port}`;
  await waitFor('Redis', async () => {
    const p = await probeRedis(url, 500);
    if (!p.ok) throw new Error(p.error);
  }, 15000, 100, () => (proc.child.exitCode !== null || proc.child.signalCode !== null ? new StackError(`redis-server hat sich beendet; Log: ${proc.logFile}`) : undefined));
  return { url, process: proc, stop: () => stopManaged(proc) };
}

/** Resolves the Redis to use: an explicit REDIS_URL must answer; otherwise an own server. */
export async function ensureRedis(o: { explicit: boolean; url: string; port: number; dir: string; runDir: string; logDir: string; log: (m: string) => void }): Promise<{ url: string; embedded?: EmbeddedRedis }> {
  if (o.explicit) {
    const p = await probeRedis(o.url);
    if (!p.ok) {
      throw new StackError(`Redis unter ${redactUrl(o.url)} antwortet nicht (${p.error}).`, 'Redis starten, oder REDIS_URL leeren, dann startet Aktenlauf einen eigenen redis-server unter data/redis.');
    }
    if (p.evictionPolicy && p.evictionPolicy !== 'noeviction') {
      o.log(`Warnung: Redis ${redactUrl(o.url)} hat maxmemory-policy=${p.evictionPolicy}; BullMQ braucht noeviction.`);
    }
    return { url: o.url };
  }
  const embedded = await startEmbeddedRedis({ port: o.port, dir: o.dir, runDir: o.runDir, logDir: o.logDir, log: o.log });
  return { url: embedded.url, embedded };
}
