/**
 * Workflow interceptors for tracing (only in the workflow bundle used while tracing is on, see
 * platform/tracing.ts):
 * Temporal's OpenTelemetry interceptors, except that update validation, update handling and queries
 * are passed through without a span. Reason: the stock inbound interceptor asks for SDK flags
 * (`hasFlag`) inside update validators and query handlers; a rejected update and a query leave no
 * trace in the history, so a flag set there makes a later replay take another path — seen as a
 * nondeterminism error ("Update machine does not handle this event: TimerCanceled") when querying a
 * completed `aufgabe` after a rejected update (test/integration/aufgaben.test.ts).
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { Next, QueryInput, UpdateInput, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * Marks a bundle that contains this module (the worker checks it: a bundle without it has no workflow
 * spans). Same literal as TRACING_INTERCEPTORS_KENNUNG in platform/tracing.ts (not imported: that is
 * Node code; the bundler keeps unused exports, it builds in development mode).
 */
export const TRACING_INTERCEPTORS_KENNUNG = 'aktenlauf:otel-workflow-interceptors';

class InboundOhneUpdatesUndQueries extends OpenTelemetryInboundInterceptor {
  override validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    next(input);
  }
  override handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    return next(input);
  }
  override handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new InboundOhneUpdatesUndQueries()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
