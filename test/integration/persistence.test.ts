/**
 * After a restart of the dev server on the same SQLite file, workflows from before are
 * still listed and their results readable (the embedded default keeps its data).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { codecFromConfig, connect, makeClient } from '../../platform/temporal';
import { StackError, startDevServer } from '../../scripts/stack/temporal';
import { stopManaged } from '../../scripts/stack/process';
import { createEngineWorker } from '../../workers/temporal-worker';
import { eingangWorkflowId } from '../../domain/eingang';
import { STATUS } from '../../domain/search-attributes';
import { testConfig, testStack, uniqueName } from '../helpers/env';
import { freePort } from '../helpers/ports';
import { eventually } from '../helpers/engine';

test('workflows survive a restart of the dev server', async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed */
  }
  const stack = testStack();
  const root = path.join(stack.root, uniqueName('persist'));
  const port = await freePort();
  const serverOpts = { cliPath: stack.temporalCli, dbFile: path.join(root, 'temporal.db'), port, uiPort: 0, headless: true, namespace: 'default', retentionDays: 30, runDir: path.join(root, 'run'), logDir: path.join(root, 'logs'), name: 'temporal-persist' };
  const cfg = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
  const { codec } = codecFromConfig(cfg, false);
  const content = Buffer.from(`%PDF-1.4 persist ${Date.now()}`);
  const hash = createHash('sha256').update(content).digest('hex');
  fs.mkdirSync(cfg.intake.storeDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.intake.storeDir, `${hash}.pdf`), content);
  const workflowId = eingangWorkflowId(hash);

  let server = await startDevServer(serverOpts);
  try {
    const native = await NativeConnection.connect({ address: server.address });
    const worker = await createEngineWorker({ connection: native, namespace: 'default', taskQueue: cfg.temporal.taskQueue, codec, deps: { dataDir: cfg.dataDir }, workflowBundleCode: fs.readFileSync(stack.bundlePath, 'utf8') });
    const conn = await connect(server.address);
    const client = makeClient(conn, 'default', codec);
    // Not a readable PDF: the file workflow waits in quarantine for a person — a running
    // workflow whose state must survive the restart.
    await worker.runUntil(async () => {
      await client.workflow.start('posteingang', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId,
        args: [{ contentHash: hash, quelle: 'scanner', eingangsdatum: '2026-11-26', fileName: 'p.pdf', mediaType: 'application/pdf', bytes: content.length, storedPath: path.relative(cfg.dataDir, path.join(cfg.intake.storeDir, `${hash}.pdf`)) }],
      });
      await eventually(async () => {
        for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}' AND AktenlaufStatus = 'quarantaene'` })) return wf;
        return undefined;
      }, 'listed in quarantine before restart');
    });
    await conn.close();
    await native.close();
  } finally {
    await stopManaged(server.process, 5000);
  }

  server = await startDevServer(serverOpts);
  try {
    const conn = await connect(server.address);
    const client = makeClient(conn, 'default', codec);
    const listed = await eventually(async () => {
      for await (const wf of client.workflow.list({ query: `AktenlaufProzess = 'posteingang'` })) if (wf.workflowId === workflowId) return wf;
      return undefined;
    }, 'listed after restart');
    expect(listed.status.name).toBe('RUNNING');
    expect(listed.typedSearchAttributes.get(STATUS)).toBe('quarantaene');
    await client.workflow.getHandle(workflowId).terminate('Test beendet');
    const ns = await conn.workflowService.describeNamespace({ namespace: 'default' });
    expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86400);
    await conn.close();
  } finally {
    await stopManaged(server.process, 5000);
  }
});

test('a dev server that cannot take its port says why, in the error', async () => {
  const stack = testStack();
  const root = path.join(stack.root, uniqueName('taken'));
  const port = await freePort();
  const blocker = net.createServer((socket) => socket.destroy()); // the readiness probe's connections must not keep it open
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
  try {
    const opts = { cliPath: stack.temporalCli, dbFile: path.join(root, 'temporal.db'), port, uiPort: 0, headless: true, namespace: 'default', retentionDays: 30, runDir: path.join(root, 'run'), logDir: path.join(root, 'logs'), name: 'temporal-taken' };
    // The log is appended to across starts: a line of an earlier run must not be taken for this one's reason.
    fs.mkdirSync(opts.logDir, { recursive: true });
    fs.writeFileSync(path.join(opts.logDir, 'temporal-taken.log'), 'frühere Sitzung: database is locked\nexited code=1 signal=null\n');
    const err = await startDevServer(opts).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StackError);
    expect((err as Error).message).toMatch(/sofort beendet \(Code \d+\): .*address already in use/);
    expect((err as Error).message).not.toContain('database is locked');
    expect((err as StackError).fix).toContain(String(port));
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});
