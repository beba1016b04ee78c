/**
 * Tracing through the Temporal OpenTelemetry interceptors on a real worker with the prebuilt
 * bundle for tracing: the client's StartWorkflow span, the workflow's RunWorkflow/StartActivity
 * spans (exported from the sandbox through the sink) and the activity's RunActivity span form one
 * trace; error messages (which may quote a document) do not leave the process. The default bundle
 * (tracing off) runs the workflows without the OTel workflow interceptors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { codecFromConfig, connect, dataConverter, makeClient } from '../../platform/temporal';
import { bundleMitTracingInterceptors, installTracing, JsonLinesSpanExporter, sanitizeSpan, type Tracing } from '../../platform/tracing';
import { loadConfig } from '../../platform/config';
import { createEngineWorker, WORKFLOW_BUNDLE, WORKFLOW_BUNDLE_TRACING, workflowBundlePfad } from '../../workers/temporal-worker';
import { tracingBundlePath } from '../helpers/engine';
import { testConfig, testStack, uniqueName } from '../helpers/env';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
/** The run's bundle for tracing (with the OTel workflow interceptors). */
let tracingBundle: string;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* already installed */
  }
  tracing = installTracing(loadConfig({}).tracing, { serviceName: 'aktenlauf-test', exporter })!;
  tracingBundle = fs.readFileSync(await tracingBundlePath(), 'utf8');
}, 240_000);
afterAll(async () => {
  await tracing.shutdown();
});

function spansOf(workflowId: string): ReadableSpan[] {
  const all = exporter.getFinishedSpans();
  const start = all.find((s) => s.name.startsWith('StartWorkflow:') && s.attributes.temporalWorkflowId === workflowId);
  if (!start) return [];
  const traceId = start.spanContext().traceId;
  return all.filter((s) => s.spanContext().traceId === traceId);
}

/** The test stack's default bundle (tracing off). */
const standardBundle = () => fs.readFileSync(testStack().bundlePath, 'utf8');

/** An engine worker with `workflowBundleCode` on the test stack, a client, and one call that closes both connections. */
async function engineMit(workflowBundleCode: string, betriebsberichtErstellen: () => Promise<unknown>) {
  const cfg = testConfig();
  const { codec } = codecFromConfig(cfg, false);
  const native = await NativeConnection.connect({ address: cfg.temporal.address });
  const worker = await createEngineWorker({
    connection: native,
    namespace: cfg.temporal.namespace,
    taskQueue: cfg.temporal.taskQueue,
    codec,
    deps: { dataDir: cfg.dataDir },
    workflowBundleCode,
    extraActivities: { betriebsberichtErstellen },
  });
  const connection = await connect(cfg.temporal.address);
  const client = makeClient(connection, cfg.temporal.namespace, codec);
  return {
    cfg, worker, client,
    async schliessen() {
      await connection.close();
      await native.close();
    },
  };
}

test('StartWorkflow, RunWorkflow, StartActivity and RunActivity share one trace; no error text is exported', async () => {
  let fail = false;
  const { cfg, worker, client, schliessen } = await engineMit(tracingBundle, async () => {
    if (fail) throw ApplicationFailure.nonRetryable('Akte Erika Mustermann unlesbar', 'Testfehler');
    return { datei: 'bericht.json', warnungen: 0 };
  });
  try {
    await worker.runUntil(async () => {
      const okId = uniqueName('bericht');
      await client.workflow.execute('betriebsbericht', { taskQueue: cfg.temporal.taskQueue, workflowId: okId });
      fail = true;
      const failId = uniqueName('bericht');
      await expect(client.workflow.execute('betriebsbericht', { taskQueue: cfg.temporal.taskQueue, workflowId: failId })).rejects.toBeInstanceOf(WorkflowFailedError);
      await tracing.forceFlush();

      const ok = spansOf(okId);
      const names = ok.map((s) => s.name).sort();
      expect(names).toEqual(['RunActivity:betriebsberichtErstellen', 'RunWorkflow:betriebsbericht', 'StartActivity:betriebsberichtErstellen', 'StartWorkflow:betriebsbericht']);
      const byName = new Map(ok.map((s) => [s.name.split(':')[0]!, s]));
      // parent chain: StartWorkflow -> RunWorkflow -> StartActivity -> RunActivity
      expect(byName.get('RunWorkflow')!.parentSpanId).toBe(byName.get('StartWorkflow')!.spanContext().spanId);
      expect(byName.get('StartActivity')!.parentSpanId).toBe(byName.get('RunWorkflow')!.spanContext().spanId);
      expect(byName.get('RunActivity')!.parentSpanId).toBe(byName.get('StartActivity')!.spanContext().spanId);
      expect(byName.get('RunWorkflow')!.attributes.workflowId).toBe(okId);

      const failed = spansOf(failId);
      expect(failed.map((s) => s.name)).toContain('RunActivity:betriebsberichtErstellen');
      expect(failed.some((s) => s.status.code === 2)).toBe(true); // ERROR is recorded
      const exported = JSON.stringify(exporter.getFinishedSpans().map((s) => ({ a: s.attributes, e: s.events, st: s.status })));
      expect(exported).not.toContain('Mustermann');
      // the workflow sink copies WorkflowInfo: nothing but primitives from the allow-list remain
      for (const s of exporter.getFinishedSpans()) {
        for (const v of Object.values(s.attributes)) expect(['string', 'number', 'boolean']).toContain(typeof v);
        expect(Object.keys(s.attributes)).not.toContain('memo');
      }
    });
  } finally {
    await schliessen();
  }
});

test('the worker picks the prebuilt bundle by tracing; only the one for tracing has the OTel workflow interceptors', () => {
  expect(workflowBundlePfad(false)).toBe(WORKFLOW_BUNDLE);
  expect(workflowBundlePfad(true)).toBe(WORKFLOW_BUNDLE_TRACING);
  expect(WORKFLOW_BUNDLE_TRACING).not.toBe(WORKFLOW_BUNDLE);
  expect(bundleMitTracingInterceptors(standardBundle())).toBe(false);
  expect(bundleMitTracingInterceptors(tracingBundle)).toBe(true);
});

test('workflows of the default bundle (tracing off) do no span work; the bundle for tracing exports their spans', async () => {
  const cfg = testConfig();
  const { codec } = codecFromConfig(cfg, false);
  const native = await NativeConnection.connect({ address: cfg.temporal.address });
  const connection = await connect(cfg.temporal.address);
  const client = makeClient(connection, cfg.temporal.namespace, codec);
  const exportiert: Record<string, string[]> = {};
  try {
    for (const [bundle, code] of [['ohne Tracing', standardBundle()], ['mit Tracing', tracingBundle]] as const) {
      const namen: string[] = [];
      exportiert[bundle] = namen;
      const taskQueue = uniqueName('tq');
      const worker = await Worker.create({
        connection: native,
        namespace: cfg.temporal.namespace,
        taskQueue,
        workflowBundle: { code },
        dataConverter: dataConverter(codec),
        activities: { betriebsberichtErstellen: async () => ({ datei: 'bericht.json', warnungen: 0 }) },
        // a recording `exporter` sink: what the OTel workflow interceptors send out of the sandbox
        sinks: { exporter: { export: { fn: (_info: unknown, spans: { name: string }[]) => void namen.push(...spans.map((x) => x.name)) } } },
      });
      await worker.runUntil(client.workflow.execute('betriebsbericht', { taskQueue, workflowId: uniqueName('bericht') }));
    }
  } finally {
    await connection.close();
    await native.close();
  }
  expect(exportiert['ohne Tracing']).toEqual([]);
  expect(exportiert['mit Tracing']).toEqual(expect.arrayContaining(['RunWorkflow:betriebsbericht', 'StartActivity:betriebsberichtErstellen']));
});

test('with tracing on, a worker given the bundle without the interceptors bundles from source and keeps the trace whole', async () => {
  const { cfg, worker, client, schliessen } = await engineMit(standardBundle(), async () => ({ datei: 'bericht.json', warnungen: 0 }));
  try {
    const id = uniqueName('bericht');
    await worker.runUntil(client.workflow.execute('betriebsbericht', { taskQueue: cfg.temporal.taskQueue, workflowId: id }));
    await tracing.forceFlush();
    const spans = spansOf(id);
    const byName = new Map(spans.map((s) => [s.name.split(':')[0]!, s]));
    expect(byName.get('RunWorkflow')?.parentSpanId).toBe(byName.get('StartWorkflow')!.spanContext().spanId);
    expect(byName.get('RunActivity')?.parentSpanId).toBe(byName.get('StartActivity')!.spanContext().spanId);
  } finally {
    await schliessen();
  }
}, 240_000);

test('JSON lines exporter writes one sanitized line per span', async () => {
  const dir = path.join(testStack().root, uniqueName('traces'));
  const file = path.join(dir, 'spans.jsonl');
  const jsonl = new JsonLinesSpanExporter(file);
  const span = tracing.tracer.startSpan('RunActivity:probe');
  span.setAttribute('temporalActivityId', '7');
  span.setAttribute('dateiname', 'Mustermann_Erika.pdf');
  span.recordException(new Error('Akte Mustermann unlesbar'));
  span.setStatus({ code: 2, message: 'Mustermann' });
  span.end();
  const raw = span as unknown as ReadableSpan; // the SDK span is a ReadableSpan
  expect(JSON.stringify({ a: raw.attributes, e: raw.events, s: raw.status })).toContain('Mustermann');
  const result = await new Promise((resolve) => jsonl.export([sanitizeSpan(raw)], resolve));
  expect(result).toEqual({ code: 0 });
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(1);
  const row = JSON.parse(lines[0]!) as { traceId: string; name: string; status: number; attributes: Record<string, unknown> };
  expect(row).toMatchObject({ traceId: span.spanContext().traceId, name: 'RunActivity:probe', status: 2, attributes: { temporalActivityId: '7' } });
  expect(lines[0]).not.toContain('Mustermann');
});
