/**
 * Benchmarks. `npm run bench -- <name>`; each prints figures comparable run to run,
 * as ratios against a baseline measured side by side in the same run.
 *
 *   codec   AES-256-GCM payload codec vs. the plain JSON payload converter alone
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, parseKeyRing } from '../platform/codec';

function sample(bytes: number): unknown {
  return { contentHash: 'a'.repeat(64), fileName: 'scan.pdf', text: 'Antrag auf Weiterbewilligung '.repeat(Math.ceil(bytes / 29)).slice(0, bytes) };
}

async function timeIt(fn: () => Promise<void>, minMs = 1000): Promise<{ opsPerSec: number }> {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    await fn();
    n += 1;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return { opsPerSec: (n / elapsed) * 1000 };
}

async function codecBench(): Promise<void> {
  const codec = new AesGcmCodec(parseKeyRing(`bench:${Buffer.alloc(32, 1).toString('base64')}`));
  for (const size of [256, 4096, 65536]) {
    const value = sample(size);
    const base = await timeIt(async () => {
      defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(value));
    });
    const withCodec = await timeIt(async () => {
      const [enc] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
      const [dec] = await codec.decode([enc!]);
      defaultPayloadConverter.fromPayload(dec!);
    });
    process.stdout.write(`codec: payload_bytes=${size} baseline_ops_s=${base.opsPerSec.toFixed(0)} codec_ops_s=${withCodec.opsPerSec.toFixed(0)} ratio=${(withCodec.opsPerSec / base.opsPerSec).toFixed(2)}\n`);
  }
}

const BENCHES: Record<string, () => Promise<void>> = { codec: codecBench };

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length) throw new Error(`Unbekannter Benchmark: ${unknown.join(', ')} (vorhanden: ${Object.keys(BENCHES).join(', ')})`);
  for (const name of names.length ? names : Object.keys(BENCHES)) await BENCHES[name]!();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
