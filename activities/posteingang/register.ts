/**
 * Tracer activity of the Posteingang: records an incoming document durably next to its
 * stored copy, after checking that the copy is intact. Idempotent: a second run finds the
 * record and returns it unchanged.
 *
 * The claim (`<stored>.anspruch`): the first workflow to take a content writes its id there
 * (exclusive create, fsync). Single files are kept apart by their workflow id already; the claim
 * keeps a file taken in a Stapel from being processed again as a single file (or in another Stapel).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { eingangWorkflowId, type EingangInput, type EingangRecord } from '../../domain/eingang';

/**
 * Claims the content for `owner`: 'neu' when this call claimed it, 'eigen' when `owner` had claimed it
 * before (a retry), else the id of the workflow that has it. The claim file appears complete or not at
 * all (written and synced under a temporary name, then hard-linked: `link` fails if the name exists), so
 * two workflows racing for the same content never both win.
 */
export async function beanspruche(storedAbs: string, owner: string): Promise<{ von: 'neu' | 'eigen' } | { von: 'fremd'; owner: string }> {
  const datei = `${storedAbs}.anspruch`;
  const tmp = `${datei}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fs.open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(owner);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.link(tmp, datei);
    return { von: 'neu' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const bisher = (await fs.readFile(datei, 'utf8')).trim();
  return bisher === owner ? { von: 'eigen' } : { von: 'fremd', owner: bisher };
}

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
      let anspruch: Awaited<ReturnType<typeof beanspruche>> | undefined;
      try {
        // A Stapel's children carry its id; a file alone owns its workflow id.
        anspruch = await beanspruche(stored, input.stapelId ?? eingangWorkflowId(input.contentHash));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        // the stored copy's folder is missing: reported below as a missing copy
      }
      if (anspruch?.von === 'fremd') return { ...input, registeredAt: new Date().toISOString(), verified: true, doppeltVon: anspruch.owner };
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
