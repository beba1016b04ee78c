/** Builds the workflow bundle once at build time (production: no bundling at worker start). */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../platform/temporal';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../platform/tracing';

export async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath,
    // Always bundled (tracing on or off), so the prebuilt bundle equals the one built from source.
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  return code;
}

if (require.main === module) {
  const out = path.resolve(__dirname, '..', 'workflow-bundle.js');
  buildWorkflowBundle().then(
    (code) => {
      fs.writeFileSync(out, code);
      console.log(`workflow bundle: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
