/**
 * Child processes of the local stack: spawned in their own process group, logged to
 * data/logs/<name>.log, recorded in data/run/<name>.pid, and stopped in order.
 * A pid file left behind by a killed supervisor is cleaned up at the next start,
 * so no orphan keeps a port or a database file.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
}

export interface SpawnManagedOptions {
  runDir: string;
  logDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Spawn with an IPC channel (Node children exit when the channel closes). */
  ipc?: boolean;
  /** Also echo the child's output to our stdout with a prefix. */
  echo?: boolean;
}

export function spawnManaged(name: string, command: string, args: string[], opts: SpawnManagedOptions): ManagedProcess {
  fs.mkdirSync(opts.runDir, { recursive: true });
  fs.mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const spawnOpts: SpawnOptions = {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  };
  const child = spawn(command, args, spawnOpts);
  const pidFile = path.join(opts.runDir, `${name}.pid`);
  if (child.pid) fs.writeFileSync(pidFile, `${child.pid}\n${command}\n`);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (opts.echo) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      log.write(`spawn error: ${err.message}\n`);
      resolve(-1);
    });
    child.once('exit', (code, signal) => {
      log.write(`exited code=${code} signal=${signal}\n`);
      log.end();
      try {
        fs.unlinkSync(pidFile);
      } catch {
        /* already gone */
      }
      resolve(code);
    });
  });
  return { name, child, exited, logFile };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, then SIGKILL after the grace period. */
export async function stopManaged(p: ManagedProcess, graceMs = 10000): Promise<void> {
  const pid = p.child.pid;
  if (!pid || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([p.exited, timer])) === 'timeout') {
    signalGroup('SIGKILL');
    await p.exited;
  }
}

/** Kills processes recorded by a previous supervisor that did not stop cleanly. */
export function killStale(runDir: string): string[] {
  const killed: string[] = [];
  if (!fs.existsSync(runDir)) return killed;
  for (const file of fs.readdirSync(runDir).filter((f) => f.endsWith('.pid'))) {
    const full = path.join(runDir, file);
    const [pidText, command] = fs.readFileSync(full, 'utf8').split('\n');
    const pid = Number(pidText);
    if (pid > 0 && alive(pid)) {
      let cmdline = '';
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        /* not Linux or gone */
      }
      if (command && cmdline.includes(path.basename(command))) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        killed.push(`${file.replace(/\.pid$/, '')} (pid ${pid})`);
      }
    }
    fs.rmSync(full, { force: true });
  }
  return killed;
}

/**
 * Probes until `probe` answers or the time is up. `gone` (e.g. "the process exited") ends the
 * waiting at once with its error instead of probing a dead process until the deadline.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T>, timeoutMs: number, intervalMs = 250, gone?: () => Error | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const aus = gone?.();
    if (aus) throw aus;
    try {
      return await probe();
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw new Error(`${what}: nach ${Math.round(timeoutMs / 1000)} s nicht bereit (${(lastError as Error)?.message ?? 'unbekannt'})`);
}

export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, cmd);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      if (fs.statSync(full).isFile()) return full;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
