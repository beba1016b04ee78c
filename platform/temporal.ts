/**
 * Connecting to Temporal with the engine's data converter (encrypting codec +
 * failure converter), and the idempotent namespace setup done at every start.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import type { Config } from './config';
import { AesGcmCodec, loadKeyRing, type KeyRingSource } from './codec';
import { ALL_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { activeTracing, tracingFromEnv } from './tracing';

export const failureConverterPath = require.resolve('./failure-converter');

export function codecFromConfig(cfg: Config, generate = cfg.temporal.embedded): { codec: AesGcmCodec; keys: KeyRingSource } {
  const keys = loadKeyRing({ keysFromEnv: cfg.codec.keysFromEnv, keyFile: cfg.codec.keyFile, generate });
  return { codec: new AesGcmCodec(keys.ring), keys };
}

export function dataConverter(codec: AesGcmCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}

export async function connect(address: string, timeoutMs = 5000): Promise<Connection> {
  // Not Connection.connect: when the server does not answer it leaves its gRPC channel open
  // (a readiness probe polling a server that is still starting would leak one per attempt).
  const conn = Connection.lazy({ address, connectTimeout: timeoutMs });
  try {
    await conn.ensureConnected();
    return conn;
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw err;
  }
}

export function makeClient(connection: Connection, namespace: string, codec: AesGcmCodec): Client {
  // With tracing on (platform/tracing.ts), starts/signals/queries carry the trace context to the workflow.
  const tracing = activeTracing() ?? tracingFromEnv();
  return new Client({ connection, namespace, dataConverter: dataConverter(codec), ...(tracing ? { interceptors: { workflow: tracing.clientInterceptors() } } : {}) });
}

const SA_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export interface NamespaceSetupResult {
  retentionDays: number;
  addedSearchAttributes: string[];
}

/**
 * Sets the namespace retention and registers the engine's search attributes.
 * Idempotent: run at every start (the dev server's --search-attribute flag only
 * works on a fresh database, and its default retention is 24 h).
 */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays: number): Promise<NamespaceSetupResult> {
  const seconds = retentionDays * 86400;
  const described = await connection.workflowService.describeNamespace({ namespace });
  const current = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  if (current !== seconds) {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(seconds * 1000) },
    });
  }
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = new Set(Object.keys(listed.customAttributes ?? {}));
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !existing.has(k.name));
  if (missing.length > 0) {
    const searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
    for (const k of missing) searchAttributes[k.name] = SA_TYPE[k.type]!;
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
    } catch (err) {
      // Another process may have registered them at the same moment: accept "already exists".
      if (!/already exists/i.test(String((err as Error).message))) throw err;
    }
  }
  return { retentionDays, addedSearchAttributes: missing.map((k) => k.name) };
}
