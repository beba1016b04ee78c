/**
 * The codec is on: a marker sent as workflow input never reaches Temporal's SQLite file
 * in clear text, while the workflow computes with it correctly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { eingangWorkflowId, type EingangErgebnis } from '../../domain/eingang';
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

  const result = (await engine.client.workflow.execute('posteingang', {
    taskQueue: engine.cfg.temporal.taskQueue,
    workflowId: eingangWorkflowId(hash),
    args: [{ contentHash: hash, quelle: 'scanner', eingangsdatum: '2026-11-26', fileName: `${marker}.pdf`, mediaType: 'application/pdf', bytes: content.length, storedPath: path.relative(engine.cfg.dataDir, path.join(storeDir, `${hash}.pdf`)) }],
  })) as EingangErgebnis;
  expect(result.status).toBe('registriert');
  expect(result.status === 'registriert' && result.record.fileName).toBe(`${marker}.pdf`);

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
