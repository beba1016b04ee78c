/**
 * The codec is on: a marker sent as workflow input never reaches Temporal's SQLite file
 * in clear text, while the workflow computes with it correctly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { eingangWorkflowId } from '../../domain/eingang';
import { DateiQueries, DateiUpdates, type DateiErgebnis, type DateiZustand } from '../../domain/posteingang';
import { eventually } from '../helpers/engine';
import { testStack } from '../helpers/env';
import { startTestEngine, type TestEngine } from '../helpers/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.stop();
});

test('a marker in the workflow input is not in temporal.db, and the result is correct', async () => {
  const marker = `MARKER${Date.now()}Mustermann`;
  const content = Buffer.from(`%PDF-1.4\n% ${marker}\n`);
  const hash = createHash('sha256').update(content).digest('hex');
  const storeDir = engine.cfg.intake.storeDir;
  fs.mkdirSync(storeDir, { recursive: true });
  fs.writeFileSync(path.join(storeDir, `${hash}.pdf`), content);

  // Not a readable PDF: the file waits in quarantine; the workflow still knows its (encrypted) name.
  const handle = await engine.client.workflow.start('posteingang', {
    taskQueue: engine.cfg.temporal.taskQueue,
    workflowId: eingangWorkflowId(hash),
    args: [{ contentHash: hash, quelle: 'scanner', eingangsdatum: '2026-11-26', fileName: `${marker}.pdf`, mediaType: 'application/pdf', bytes: content.length, storedPath: path.relative(engine.cfg.dataDir, path.join(storeDir, `${hash}.pdf`)) }],
  });
  const zustand = await eventually(async () => {
    const z = await handle.query<DateiZustand>(DateiQueries.ZUSTAND);
    return z.status === 'quarantaene' ? z : undefined;
  }, 'file in quarantine');
  expect(zustand.dateiname).toBe(`${marker}.pdf`);
  await handle.executeUpdate(DateiUpdates.QUARANTAENE, { args: [{ wer: 'it-admin', aktion: 'verwerfen', grund: `Testdatei ${marker}` }] });
  const result = (await handle.result()) as DateiErgebnis;
  expect(result.status).toBe('verworfen');

  const dbDir = testStack().root;
  const dbFiles = fs.readdirSync(dbDir).filter((f) => f.startsWith('temporal.db'));
  expect(dbFiles).toContain('temporal.db');
  for (const f of dbFiles) {
    const bytes = fs.readFileSync(path.join(dbDir, f));
    expect(bytes.includes(Buffer.from(marker))).toBe(false);
  }
  // The history is there (the workflow id is, being opaque and unencrypted by design).
  const all = Buffer.concat(dbFiles.map((f) => fs.readFileSync(path.join(dbDir, f))));
  expect(all.includes(Buffer.from(eingangWorkflowId(hash)))).toBe(true);
});
