/**
 * Replay of saved real histories of the `aufgabe` workflow (test/histories/aufgabe*.json,
 * written by aufgaben.test.ts with AUFGABE_HISTORIEN=schreiben) against the current workflow
 * bundle: a change that would break running Aufgaben (other commands in another order
 * without patched()) fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { codecFromConfig, dataConverter } from '../../platform/temporal';
import { testConfig, testStack } from '../helpers/env';

const DIR = path.join(__dirname, '..', 'histories');
const files = fs.readdirSync(DIR).filter((f) => /^aufgabe-.*\.json$/.test(f)).sort();

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed by another suite of this process */
  }
});

test('saved histories exist for the main paths', () => {
  expect(files).toEqual(['aufgabe-erledigt.json', 'aufgabe-eskaliert-abgebrochen.json']);
});

test.each(files)('%s replays against the current workflow code', async (file) => {
  const saved = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as { workflowId: string };
  const history = temporal.api.history.v1.History.fromObject(saved);
  const { codec } = codecFromConfig(testConfig(), false);
  await Worker.runReplayHistory(
    { workflowBundle: { code: fs.readFileSync(testStack().bundlePath, 'utf8') }, dataConverter: dataConverter(codec) },
    history,
    saved.workflowId,
  );
});
