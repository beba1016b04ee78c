/**
 * Tracer activity of the Posteingang: records an incoming document durably next to its
 * stored copy, after checking that the copy is intact. Idempotent: a second run finds the
 * record and returns it unchanged.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { EingangInput, EingangRecord } from '../../domain/eingang';

export interface RegisterDeps {
  dataDir: string;
}

export function createRegisterActivities(deps: RegisterDeps) {
  return {
    async registriereEingang(input: EingangInput): Promise<EingangRecord> {
      const stored = path.resolve(deps.dataDir, input.storedPath);
      if (!stored.startsWith(path.resolve(deps.dataDir) + path.sep)) {
        throw ApplicationFailure.nonRetryable('Ablagepfad liegt außerhalb des Datenverzeichnisses', 'StorePathInvalid');
      }
      const recordFile = `${stored}.eingang.json`;
      try {
        return JSON.parse(await fs.readFile(recordFile, 'utf8')) as EingangRecord;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      let content: Buffer;
      try {
        content = await fs.readFile(stored);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          throw ApplicationFailure.nonRetryable('Die abgelegte Kopie des Eingangs fehlt im Speicher', 'StoredCopyMissing');
        }
        throw err;
      }
      const hash = createHash('sha256').update(content).digest('hex');
      const record: EingangRecord = { ...input, registeredAt: new Date().toISOString(), verified: hash === input.contentHash };
      if (!record.verified) {
        throw ApplicationFailure.nonRetryable('Die abgelegte Kopie stimmt nicht mit dem Eingang überein (Prüfsumme)', 'StoredCopyCorrupt');
      }
      const tmp = `${recordFile}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(record, null, 2));
      await fs.rename(tmp, recordFile);
      return record;
    },
  };
}
