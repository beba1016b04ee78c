/**
 * Entry-point helper for the engine's processes: stops cleanly on SIGINT/SIGTERM and when
 * the supervising parent goes away (IPC channel closed), so no child outlives `aktenlauf up`.
 */
import fs from 'node:fs';
import type { Logger } from './logger';

/**
 * Files the engine writes hold Sozialdaten (originals, page images, readings, letters, exports):
 * every process creates them with the configured mask (default 077: the service user only).
 * Children of `aktenlauf up` inherit it; a process started on its own (systemd) sets it here.
 */
export function schuetzeNeueDateien(umask: number): void {
  process.umask(umask);
}

const oktal = (n: number) => n.toString(8).padStart(3, '0');

/** Who besides the owner may enter the data dir, beyond what the mask allows; undefined when nobody. */
export function datenverzeichnisZuOffen(dataDir: string, umask: number): { modus: string; soll: string } | undefined {
  const modus = fs.statSync(dataDir).mode & 0o777;
  if ((modus & umask) === 0) return undefined;
  return { modus: oktal(modus), soll: oktal(modus & ~umask) };
}

/**
 * `aktenlauf up` owns its data dir: a dir created earlier with a wider mode (0755 from a shell
 * mkdir) is narrowed to the mask, so no other user of the machine walks into the Sozialdaten.
 */
export function engeDatenverzeichnisEin(dataDir: string, umask: number): string | undefined {
  const offen = datenverzeichnisZuOffen(dataDir, umask);
  if (!offen) return undefined;
  fs.chmodSync(dataDir, parseInt(offen.soll, 8));
  return `Datenverzeichnis ${dataDir}: Rechte ${offen.modus} → ${offen.soll} (AKTENLAUF_UMASK ${oktal(umask)}).`;
}

export function runMain(log: Logger, main: (signal: AbortSignal) => Promise<void>, opts: { umask: number }): void {
  schuetzeNeueDateien(opts.umask);
  const controller = new AbortController();
  const stop = (why: string) => {
    if (controller.signal.aborted) return;
    log.info({ why }, 'stopping');
    controller.abort();
    setTimeout(() => {
      log.error('did not stop within 15 s, exiting');
      process.exit(1);
    }, 15000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  if (process.send) process.once('disconnect', () => stop('parent gone'));
  main(controller.signal).then(
    () => process.exit(0),
    (err: unknown) => {
      log.fatal({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'failed');
      process.exit(1);
    },
  );
}

/** Tells a supervising parent (if any) that this process is ready. */
export function signalReady(info: Record<string, unknown> = {}): void {
  if (process.send) process.send({ type: 'ready', ...info });
}
