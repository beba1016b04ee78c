import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, CodecKeyError, ENCODING, KEY_ID_METADATA, loadKeyRing, parseKeyRing, rotateKeyFile } from '../../platform/codec';
import { failureConverter } from '../../platform/failure-converter';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const MARKER = 'MARKER-Mustermann-96201BG0012345';

describe('AES-256-GCM payload codec', () => {
  const codec = new AesGcmCodec(parseKeyRing(`k2:${key(2)},k1:${key(1)}`));

  it('encrypts with the active key id and decodes back to the same payload', async () => {
    const payload = defaultPayloadConverter.toPayload({ name: MARKER });
    const [enc] = await codec.encode([payload]);
    expect(Buffer.from(enc!.metadata![KEY_ID_METADATA]!).toString()).toBe('k2');
    expect(Buffer.from(enc!.metadata!.encoding!).toString()).toBe(ENCODING);
    expect(Buffer.from(enc!.data!).toString('latin1')).not.toContain('Mustermann');
    const [dec] = await codec.decode([enc!]);
    expect(defaultPayloadConverter.fromPayload(dec!)).toEqual({ name: MARKER });
  });

  it('decodes a payload of an older key after rotation, by the key id stored in the payload', async () => {
    const old = new AesGcmCodec(parseKeyRing(`k1:${key(1)}`));
    const [enc] = await old.encode([defaultPayloadConverter.toPayload('alt')]);
    const [dec] = await codec.decode([enc!]);
    expect(defaultPayloadConverter.fromPayload(dec!)).toBe('alt');
  });

  it('refuses a payload whose key is not in the ring, with a clear error', async () => {
    const other = new AesGcmCodec(parseKeyRing(`k9:${key(9)}`));
    const [enc] = await other.encode([defaultPayloadConverter.toPayload('x')]);
    await expect(codec.decode([enc!])).rejects.toThrow(/Schlüssel k9 ist nicht im Schlüsselbund/);
  });

  it('detects tampering (GCM authentication)', async () => {
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload('unverändert')]);
    const data = Buffer.from(enc!.data!);
    data[20] = data[20]! ^ 0xff;
    await expect(codec.decode([{ ...enc!, data }])).rejects.toThrow();
  });

  it('passes payloads through that it did not encrypt', async () => {
    const plain = defaultPayloadConverter.toPayload('klar');
    const [dec] = await codec.decode([plain]);
    expect(dec).toBe(plain);
  });

  it('rejects malformed key specs with a reason', () => {
    expect(() => parseKeyRing('nur-text')).toThrow(CodecKeyError);
    expect(() => parseKeyRing(`k1:${Buffer.alloc(16).toString('base64')}`)).toThrow(/16 Bytes/);
    expect(() => parseKeyRing(`k1:${key(1)},k1:${key(2)}`)).toThrow(/doppelt/);
    expect(() => parseKeyRing(`bad id:${key(1)}`)).toThrow(/ungültig/);
  });

  it('generates a local key file once, rotates it and keeps old keys', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codec-'));
    const keyFile = path.join(dir, 'codec-keys.json');
    const first = loadKeyRing({ keyFile, generate: true });
    expect(first.source).toBe('generated');
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
    const again = loadKeyRing({ keyFile, generate: true });
    expect(again.source).toBe('file');
    expect(again.ring.activeKeyId).toBe(first.ring.activeKeyId);
    const rotated = rotateKeyFile(keyFile);
    expect(rotated.activeKeyId).not.toBe(first.ring.activeKeyId);
    expect(rotated.keys.has(first.ring.activeKeyId)).toBe(true);
    expect(() => loadKeyRing({ keyFile: path.join(dir, 'fehlt.json'), generate: false })).toThrow(/Kein Schlüssel/);
  });
});

describe('failure converter', () => {
  it('moves message and stack into encoded attributes, so the codec encrypts them', () => {
    const failure = failureConverter.errorToFailure(new Error(MARKER), defaultPayloadConverter);
    expect(failure.message).not.toContain(MARKER);
    expect(failure.stackTrace ?? '').not.toContain(MARKER);
    expect(failure.encodedAttributes).toBeTruthy();
    expect(Buffer.from(failure.encodedAttributes!.data!).toString()).toContain(MARKER);
  });
});
