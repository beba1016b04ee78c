/**
 * Payload codec: AES-256-GCM with key ids and rotation.
 *
 * Every payload is encrypted with the active key; the key id travels in the payload's
 * metadata, so a payload is always decoded with the key that encrypted it, also after
 * a rotation. Old keys stay in the key ring until no retained history needs them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface KeyRing {
  activeKeyId: string;
  keys: Map<string, Buffer>;
}

export class CodecKeyError extends Error {
  override name = 'CodecKeyError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {
    if (!ring.keys.has(ring.activeKeyId)) throw new CodecKeyError(`Aktiver Schlüssel ${ring.activeKeyId} fehlt im Schlüsselbund`);
  }

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.ring.keys.get(this.ring.activeKeyId)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCODING),
          [KEY_ID_METADATA]: encoder.encode(this.ring.activeKeyId),
        },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      if (!keyIdBytes) throw new CodecKeyError('Verschlüsselte Nutzlast ohne Schlüssel-ID');
      const keyId = decoder.decode(keyIdBytes);
      const key = this.ring.keys.get(keyId);
      if (!key) throw new CodecKeyError(`Schlüssel ${keyId} ist nicht im Schlüsselbund (AKTENLAUF_CODEC_KEYS)`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_LENGTH + TAG_LENGTH) throw new CodecKeyError('Verschlüsselte Nutzlast ist zu kurz');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_LENGTH));
      decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_LENGTH, data.length - TAG_LENGTH)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** Parses `kid1:base64key,kid2:base64key`; the first entry is the active key. */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const idx = part.indexOf(':');
    if (idx <= 0) throw new CodecKeyError(`Schlüsseleintrag "${part.slice(0, 8)}…" hat nicht die Form id:base64`);
    const id = part.slice(0, idx);
    if (!KEY_ID_PATTERN.test(id)) throw new CodecKeyError(`Schlüssel-ID "${id}" ist ungültig (erlaubt: A-Z a-z 0-9 . _ -)`);
    const key = Buffer.from(part.slice(idx + 1), 'base64');
    if (key.length !== 32) throw new CodecKeyError(`Schlüssel ${id} ist ${key.length} Bytes lang, AES-256 braucht 32 Bytes`);
    if (keys.has(id)) throw new CodecKeyError(`Schlüssel-ID ${id} kommt doppelt vor`);
    keys.set(id, key);
    activeKeyId ??= id;
  }
  if (!activeKeyId) throw new CodecKeyError('Kein Schlüssel angegeben');
  return { activeKeyId, keys };
}

export function formatKeyRing(ring: KeyRing): string {
  const ordered = [ring.activeKeyId, ...[...ring.keys.keys()].filter((k) => k !== ring.activeKeyId)];
  return ordered.map((id) => `${id}:${ring.keys.get(id)!.toString('base64')}`).join(',');
}

export function newKeyId(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
}

export interface KeyRingSource {
  ring: KeyRing;
  source: 'env' | 'file' | 'generated';
}

/**
 * Key ring from AKTENLAUF_CODEC_KEYS, else from the key file under data/, else a new key
 * generated into that file (local default only; the caller warns).
 */
export function loadKeyRing(opts: { keysFromEnv?: string; keyFile: string; generate: boolean }): KeyRingSource {
  if (opts.keysFromEnv) return { ring: parseKeyRing(opts.keysFromEnv), source: 'env' };
  if (fs.existsSync(opts.keyFile)) {
    const text = fs.readFileSync(opts.keyFile, 'utf8');
    const parsed = JSON.parse(text) as { keys?: unknown };
    if (typeof parsed.keys !== 'string') throw new CodecKeyError(`${opts.keyFile} hat kein Feld "keys"`);
    return { ring: parseKeyRing(parsed.keys), source: 'file' };
  }
  if (!opts.generate) {
    throw new CodecKeyError(`Kein Schlüssel: weder AKTENLAUF_CODEC_KEYS gesetzt noch ${opts.keyFile} vorhanden`);
  }
  const ring: KeyRing = { activeKeyId: newKeyId(), keys: new Map() };
  ring.keys.set(ring.activeKeyId, randomBytes(32));
  writeKeyFile(opts.keyFile, ring);
  return { ring, source: 'generated' };
}

export function writeKeyFile(keyFile: string, ring: KeyRing): void {
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  const tmp = `${keyFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ keys: formatKeyRing(ring) }, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, keyFile);
}

/** Rotation: a new active key; the old ones stay to decode what they encrypted. */
export function rotateKeyFile(keyFile: string): KeyRing {
  const { ring } = loadKeyRing({ keyFile, generate: true });
  const id = newKeyId();
  ring.keys.set(id, randomBytes(32));
  const rotated: KeyRing = { activeKeyId: id, keys: ring.keys };
  writeKeyFile(keyFile, rotated);
  return rotated;
}
