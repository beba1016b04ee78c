/**
 * Provisions what the engine and its tests need on this machine, nothing by hand:
 * the Temporal CLI (user cache, built with Go if absent), redis-server, Chromium.
 * Idempotent and quick when everything is there. Used by .ci/run; `aktenlauf up` does the same lazily.
 */
import { ensureChromium } from './stack/chromium';
import { findRedisServer, installRedisWithApt } from './stack/redis';
import { ensureTemporalCli } from './stack/temporal';

async function main(): Promise<void> {
  const log = (m: string) => process.stdout.write(`[provision] ${m}\n`);
  const t0 = Date.now();
  const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, log);
  log(`Temporal CLI: ${cli.path} (${cli.source})`);
  const redis = findRedisServer() ?? installRedisWithApt(log);
  log(`redis-server: ${redis}`);
  const chromium = ensureChromium(process.env.CHROMIUM_PATH, log);
  log(`Chromium: ${chromium}`);
  log(`fertig in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[provision] FEHLER: ${(err as Error).message}\n`);
  process.exit(1);
});
