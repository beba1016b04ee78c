/**
 * OpenTelemetry tracing through the Temporal interceptors (@temporalio/interceptors-opentelemetry):
 * a client span (StartWorkflow, SignalWorkflow, ...) is propagated in Temporal headers to the
 * workflow (RunWorkflow, StartActivity; exported from the sandbox through the `exporter` sink) and
 * on to the activity (RunActivity), so one document's way through the engine is one trace.
 *
 * Off by default; on with OTEL_TRACING=1 or when OTEL_EXPORTER_OTLP_ENDPOINT is set. Spans go to
 * OTLP/HTTP at that endpoint, else as JSON lines to data/traces/spans.jsonl.
 *
 * Sozialdaten: span names carry only workflow/activity type names, attributes only opaque ids
 * (workflow ids are opaque by design). Payloads are never attributes. Error messages may quote
 * a document, so status messages and exception messages/stack traces are dropped before export.
 *
 * The OTel workflow interceptors cost CPU in every workflow (span start/end per workflow, activity
 * and signal; the module loaded per workflow), so they are only in the workflow bundle used while
 * tracing is on: `npm run build` writes two prebuilt bundles (dist/workflow-bundle.js without,
 * dist/workflow-bundle-tracing.js with them; scripts/bundle-workflows.ts), and the worker
 * (workers/temporal-worker.ts) picks by whether tracing is active, also when bundling from source.
 * Both bundles produce the same histories (the interceptors issue no commands and, from SDK 1.13.2
 * on, add no yields before them), so a worker may be restarted with tracing switched on or off;
 * test/integration/replay.test.ts replays the saved histories against both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as otel from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { loadConfig, type Config } from './config';

/** Workflow interceptor modules of the bundle for tracing (see scripts/bundle-workflows.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [require.resolve('../workflows/tracing-interceptors')];

/** The workflow interceptor modules a bundle needs: the OTel ones only when tracing is on. */
export function workflowInterceptorModules(tracing: boolean): string[] {
  return tracing ? [...WORKFLOW_INTERCEPTOR_MODULES] : [];
}

/**
 * A string constant of workflows/tracing-interceptors.ts (same literal there): present in a bundle's
 * code exactly when the OTel workflow interceptors were bundled into it.
 */
export const TRACING_INTERCEPTORS_KENNUNG = 'aktenlauf:otel-workflow-interceptors';

/** Whether the workflow bundle code contains the OTel workflow interceptors. */
export function bundleMitTracingInterceptors(code: string): boolean {
  return code.includes(TRACING_INTERCEPTORS_KENNUNG);
}

export type TracingConfig = Config['tracing'];

/** Attribute keys that may leave the process: opaque ids and type names only. */
const ALLOWED_ATTRIBUTES = new Set([
  'temporalWorkflowId',
  'run_id',
  'temporalActivityId',
  'temporalUpdateId',
  // WorkflowInfo fields the SDK's workflow sink copies onto workflow spans:
  'workflowId',
  'runId',
  'workflowType',
  'taskQueue',
  'namespace',
  'attempt',
  'firstExecutionRunId',
  'continuedFromExecutionRunId',
  'historyLength',
  // exception events keep the error type only
  'exception.type',
]);

function cleanAttributes(attrs: otel.Attributes): otel.Attributes {
  const out: otel.Attributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (!ALLOWED_ATTRIBUTES.has(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** A copy of the span without anything that could quote personal data. */
export function sanitizeSpan(span: ReadableSpan): ReadableSpan {
  const ctx = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => ctx,
    parentSpanId: span.parentSpanId,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: cleanAttributes(span.attributes),
    links: span.links.map((l) => ({ context: l.context })),
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: e.attributes ? cleanAttributes(e.attributes) : undefined })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationLibrary: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Passes sanitized spans on to the real processor (also used for the workflow sink). */
class SanitizingSpanProcessor implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor) {}
  onStart(span: Span, parentContext: otel.Context): void {
    this.inner.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    this.inner.onEnd(sanitizeSpan(span));
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Spans as JSON lines in a file (when no OTLP endpoint is configured). */
export class JsonLinesSpanExporter implements SpanExporter {
  constructor(private readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((s) => {
        const c = s.spanContext();
        return JSON.stringify({
          traceId: c.traceId,
          spanId: c.spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          kind: s.kind,
          service: s.resource.attributes['service.name'],
          start: new Date(hrTimeToMilliseconds(s.startTime)).toISOString(),
          durationMs: Math.round(hrTimeToMilliseconds(s.duration) * 1000) / 1000,
          status: s.status.code,
          attributes: s.attributes,
        });
      });
      fs.appendFileSync(this.file, lines.map((l) => `${l}\n`).join(''));
      done({ code: ExportResultCode.SUCCESS });
    } catch (err) {
      done({ code: ExportResultCode.FAILED, error: err as Error });
    }
  }
  async shutdown(): Promise<void> {}
}

/** Context manager on AsyncLocalStorage (what @opentelemetry/context-async-hooks provides). */
class AlsContextManager implements otel.ContextManager {
  private readonly als = new AsyncLocalStorage<otel.Context>();
  active(): otel.Context {
    return this.als.getStore() ?? otel.ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: otel.Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: otel.Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...a: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const mgr = this;
    return function (this: unknown, ...a: unknown[]) {
      return mgr.with(ctx, () => fn.apply(this, a));
    } as unknown as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

export interface Tracing {
  readonly tracer: otel.Tracer;
  /** For Client({ interceptors: { workflow } }). */
  clientInterceptors(): WorkflowClientInterceptor[];
  /** Activity interceptors (the workflow interceptors are in the bundle for tracing, see above). */
  activityInterceptors(): NonNullable<WorkerInterceptors['activity']>;
  /** The `exporter` sink for spans from the workflow sandbox. */
  sinks(): InjectedSinks<Record<string, never>>;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface InstallTracingOptions {
  /** service.name of the process, e.g. aktenlauf-worker. */
  serviceName: string;
  /** Tests: an exporter (e.g. InMemorySpanExporter) instead of OTLP/file; exported without batching. */
  exporter?: SpanExporter;
}

let active: Tracing | undefined;

/** The tracing of this process, if installed. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/**
 * Installs tracing for this process (global context manager + W3C propagator, which the
 * interceptors use). Returns undefined when tracing is off and no exporter is injected.
 */
export function installTracing(cfg: TracingConfig, opts: InstallTracingOptions): Tracing | undefined {
  if (active) return active;
  if (!cfg.enabled && !opts.exporter) return undefined;
  const resource = new Resource({ 'service.name': opts.serviceName, 'service.namespace': 'aktenlauf' });
  let inner: SpanProcessor;
  if (opts.exporter) inner = new SimpleSpanProcessor(opts.exporter);
  else if (cfg.endpoint) inner = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${cfg.endpoint.replace(/\/+$/, '')}/v1/traces` }), { scheduledDelayMillis: 1000 });
  else inner = new SimpleSpanProcessor(new JsonLinesSpanExporter(cfg.file));
  const processor = new SanitizingSpanProcessor(inner);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const contextManager = new AlsContextManager();
  otel.context.setGlobalContextManager(contextManager);
  otel.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracer = provider.getTracer('aktenlauf');
  const tracing: Tracing = {
    tracer,
    clientInterceptors: () => [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    activityInterceptors: () => [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    sinks: () => ({ exporter: makeWorkflowExporter(processor, resource) }) as unknown as InjectedSinks<Record<string, never>>,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      otel.context.disable();
      otel.propagation.disable();
      if (active === tracing) active = undefined;
    },
  };
  active = tracing;
  return tracing;
}

/** Installs tracing from the environment if it is on there (used by makeClient for any process). */
export function tracingFromEnv(serviceName = 'aktenlauf'): Tracing | undefined {
  if (active) return active;
  if (process.env.OTEL_TRACING !== '1' && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const cfg = loadConfig();
  return cfg.tracing.enabled ? installTracing(cfg.tracing, { serviceName }) : undefined;
}

/** Flushes and stops the process's tracing (end of a worker process). */
export async function shutdownTracing(): Promise<void> {
  if (active) await active.shutdown();
}

/**
 * The `exporter` sink when tracing is off: the bundle without interceptors never calls it; a bundle
 * with them (e.g. the tracing bundle given to a worker or replayer without tracing) sends its spans
 * nowhere.
 */
export function noopWorkflowSinks(): InjectedSinks<Record<string, never>> {
  return { exporter: { export: { fn: () => undefined } } } as unknown as InjectedSinks<Record<string, never>>;
}
