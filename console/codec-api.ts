/**
 * The Temporal remote codec protocol (as spoken by the Temporal Web UI and CLI):
 * POST {endpoint}/encode and /decode with `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`,
 * answered in the same shape. Only the JSON ↔ Payload conversion lives here; roles, origins
 * and the audit entry are handled by the server.
 */
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/** Standard or URL-safe base64 (protobuf JSON accepts both). */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'kein Base64');

const payloadJsonSchema = z.object({
  metadata: z.record(z.string().max(256), base64).nullish(),
  data: base64.nullish(),
});

export const codecRequestSchema = z.object({ payloads: z.array(payloadJsonSchema).max(10000) });

export interface PayloadJson {
  metadata: Record<string, string>;
  data: string;
}

export function payloadFromJson(p: z.infer<typeof payloadJsonSchema>): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = new Uint8Array(Buffer.from(v, 'base64'));
  return { metadata, data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')) };
}

function toBase64(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') : '';
}

export function payloadToJson(p: Payload): PayloadJson {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = toBase64(v);
  return { metadata, data: toBase64(p.data) };
}
