/**
 * Entry-point helper for the engine's processes: stops cleanly on SIGINT/SIGTERM and when
 * the supervising parent goes away (IPC channel closed), so no child outlives `aktenlauf up`.
 */
import type { Logger } from './logger';

export function runMain(log: Logger, main: (signal: AbortSignal) => Promise<void>): void {
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
