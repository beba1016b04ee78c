/**
 * Job data and results in Redis are machine state, but they carry Sozialdaten (BG-Nummern,
 * names). With the engine's payload codec they are sealed (AES-256-GCM, key id inside), so
 * Redis and its AOF file never hold them in clear text. Without a codec (tests of the pool
 * itself) they pass as they are.
 */
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const KEY = '__versiegelt';

export interface JobSealer {
  seal(value: unknown): Promise<unknown>;
  open(stored: unknown): Promise<unknown>;
}

export const plainSealer: JobSealer = {
  async seal(value) {
    return value;
  },
  async open(stored) {
    if (stored && typeof stored === 'object' && KEY in stored) throw new Error('Versiegelte Auftragsdaten, aber kein Schlüssel konfiguriert');
    return stored;
  },
};

export function codecSealer(codec: PayloadCodec): JobSealer {
  return {
    async seal(value) {
      const [payload] = await codec.encode([defaultPayloadConverter.toPayload(value === undefined ? null : value)]);
      return { [KEY]: Buffer.from(temporal.api.common.v1.Payload.encode(payload!).finish()).toString('base64') };
    },
    async open(stored) {
      if (!stored || typeof stored !== 'object' || !(KEY in stored)) return stored;
      const bytes = Buffer.from(String((stored as Record<string, unknown>)[KEY]), 'base64');
      const [payload] = await codec.decode([temporal.api.common.v1.Payload.decode(bytes)]);
      return defaultPayloadConverter.fromPayload(payload!);
    },
  };
}
