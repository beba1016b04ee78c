/**
 * Builds the prebuilt workflow bundles once at build time (production: no bundling at worker start):
 * dist/workflow-bundle.js without the OpenTelemetry workflow interceptors (tracing off, the default)
 * and dist/workflow-bundle-tracing.js with them (tracing on); workers/temporal-worker.ts picks one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../platform/temporal';
import { workflowInterceptorModules } from '../platform/tracing';

/** File names of the prebuilt bundles next to dist/scripts (read by workers/temporal-worker.ts). */
export const WORKFLOW_BUNDLE_DATEI = 'workflow-bundle.js';
export const WORKFLOW_BUNDLE_TRACING_DATEI = 'workflow-bundle-tracing.js';

export interface WorkflowBundleOptionen {
  /** With the OTel workflow interceptors (for a worker with tracing on). Default: without. */
  tracing?: boolean;
}

export async function buildWorkflowBundle(o: WorkflowBundleOptionen = {}): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath,
    workflowInterceptorModules: workflowInterceptorModules(Boolean(o.tracing)),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  return code;
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..');
  (async () => {
    for (const [datei, tracing] of [[WORKFLOW_BUNDLE_DATEI, false], [WORKFLOW_BUNDLE_TRACING_DATEI, true]] as const) {
      const out = path.join(dir, datei);
      const code = await buildWorkflowBundle({ tracing });
      // written under another name first: a worker starting meanwhile never reads half a bundle
      fs.writeFileSync(`${out}.tmp`, code);
      fs.renameSync(`${out}.tmp`, out);
      console.log(`workflow bundle${tracing ? ' (tracing)' : ''}: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)`);
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
