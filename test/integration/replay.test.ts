/**
 * Replay of saved real histories (test/histories/*.json) against the current workflow bundles,
 * the default one (tracing off, no OTel workflow interceptors) and the one for tracing (with them):
 * a change that would break running workflows (other commands in another order without
 * patched()) fails here, and so would a difference between the two bundles (a worker may be
 * restarted with tracing switched on or off while workflows run). Histories are written by the process tests when asked to:
 *   ZENTRALDRUCK_HISTORIEN=schreiben npx jest test/integration/zentraldruck.test.ts -t "one letter"
 *   WB_HISTORIEN=schreiben npx jest test/integration/weiterbewilligung.test.ts
 *   AUFGABE_HISTORIEN=schreiben npx jest test/integration/aufgaben.test.ts
 *   STAPEL_HISTORIEN=schreiben npx jest test/integration/posteingang-stapel.test.ts -t "files the sure"
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { codecFromConfig, dataConverter } from '../../platform/temporal';
import { bundleMitTracingInterceptors, noopWorkflowSinks } from '../../platform/tracing';
import { tracingBundlePath } from '../helpers/engine';
import { testConfig, testStack } from '../helpers/env';

const DIR = path.join(__dirname, '..', 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

const bundles: Record<'ohne Tracing' | 'mit Tracing', string> = { 'ohne Tracing': '', 'mit Tracing': '' };

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed by another suite of this process */
  }
  bundles['ohne Tracing'] = fs.readFileSync(testStack().bundlePath, 'utf8');
  bundles['mit Tracing'] = fs.readFileSync(await tracingBundlePath(), 'utf8');
}, 240_000);

test('the two bundles differ by the OTel workflow interceptors only where meant', () => {
  expect(bundleMitTracingInterceptors(bundles['ohne Tracing'])).toBe(false);
  expect(bundleMitTracingInterceptors(bundles['mit Tracing'])).toBe(true);
});

test('saved histories exist for the main paths of every long-running process', () => {
  expect(files).toEqual(expect.arrayContaining([
    'aufgabe-erledigt.json', 'aufgabe-eskaliert-abgebrochen.json',
    'zentraldruck-brief.json', 'zentraldruck-tagesbatch.json',
    'weiterbewilligung-aufgeloest.json', 'weiterbewilligung-ohne-wba.json', 'weiterbewilligung-verkuerzt.json',
    'weiterbewilligung-wba-nach-ende.json', 'weiterbewilligung-wba-vor-ende.json',
    'posteingang-datei-lokal.json', 'posteingang-dokument-abgelegt-lokal.json', 'posteingang-stapel.json',
  ]));
});

const faelle = files.flatMap((file) => (['ohne Tracing', 'mit Tracing'] as const).map((bundle) => [file, bundle] as const));

test.each(faelle)('%s replays against the current workflow code (%s)', async (file, bundle) => {
  const saved = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as { workflowId: string };
  const history = temporal.api.history.v1.History.fromObject(saved);
  const { codec } = codecFromConfig(testConfig(), false);
  await Worker.runReplayHistory(
    { workflowBundle: { code: bundles[bundle] }, dataConverter: dataConverter(codec), sinks: noopWorkflowSinks() },
    history,
    saved.workflowId,
  );
});
