/**
 * codec: AES-256-GCM payload codec vs. the plain JSON payload converter alone (baseline),
 * side by side in one run, for small, medium and large payloads.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, parseKeyRing } from '../platform/codec';

function sample(bytes: number): unknown {
  return { contentHash: 'a'.repeat(64), fileName: 'scan.pdf', text: 'Antrag auf Weiterbewilligung '.repeat(Math.ceil(bytes / 29)).slice(0, bytes) };
}

async function opsPerSec(fn: () => Promise<void>, minMs = 1000): Promise<number> {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    await fn();
    n += 1;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return (n / elapsed) * 1000;
}

export async function run(): Promise<void> {
  const codec = new AesGcmCodec(parseKeyRing(`bench:${Buffer.alloc(32, 1).toString('base64')}`));
  const ratios: string[] = [];
  for (const size of [256, 4096, 65536]) {
    const value = sample(size);
    const base = await opsPerSec(async () => {
      defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(value));
    });
    const withCodec = await opsPerSec(async () => {
      const [enc] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
      const [dec] = await codec.decode([enc!]);
      defaultPayloadConverter.fromPayload(dec!);
    });
    const ratio = withCodec / base;
    ratios.push(`ratio_${size}b=${ratio.toFixed(2)}`);
    process.stdout.write(`  payload ${size} B: baseline ${base.toFixed(0)} ops/s, with codec ${withCodec.toFixed(0)} ops/s, ratio ${ratio.toFixed(2)}\n`);
  }
  process.stdout.write(`codec: ${ratios.join(' ')}\n`);
}
