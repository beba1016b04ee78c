/**
 * Replay of saved real histories (test/histories/*.json) against the current workflow bundle:
 * a change that would break running workflows (other commands in another order without
 * patched()) fails here. Histories are written by the process tests when asked to:
 *   ZENTRALDRUCK_HISTORIEN=schreiben npx jest test/integration/zentraldruck.test.ts -t "one letter"
 *   WB_HISTORIEN=schreiben npx jest test/integration/weiterbewilligung.test.ts
 *   AUFGABE_HISTORIEN=schreiben npx jest test/integration/aufgaben.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { codecFromConfig, dataConverter } from '../../platform/temporal';
import { noopWorkflowSinks } from '../../platform/tracing';
import { testConfig, testStack } from '../helpers/env';

const DIR = path.join(__dirname, '..', 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed by another suite of this process */
  }
});

test('saved histories exist for the main paths of every long-running process', () => {
  expect(files).toEqual(expect.arrayContaining([
    'aufgabe-erledigt.json', 'aufgabe-eskaliert-abgebrochen.json',
    'zentraldruck-brief.json', 'zentraldruck-tagesbatch.json',
    'weiterbewilligung-aufgeloest.json', 'weiterbewilligung-ohne-wba.json', 'weiterbewilligung-verkuerzt.json',
    'weiterbewilligung-wba-nach-ende.json', 'weiterbewilligung-wba-vor-ende.json',
  ]));
});

test.each(files)('%s replays against the current workflow code', async (file) => {
  const saved = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as { workflowId: string };
  const history = temporal.api.history.v1.History.fromObject(saved);
  const { codec } = codecFromConfig(testConfig(), false);
  await Worker.runReplayHistory(
    { workflowBundle: { code: fs.readFileSync(testStack().bundlePath, 'utf8') }, dataConverter: dataConverter(codec), sinks: noopWorkflowSinks() },
    history,
    saved.workflowId,
  );
});
