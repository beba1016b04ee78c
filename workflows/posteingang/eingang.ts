/**
 * Posteingang: one workflow per incoming document, its id derived from the content hash.
 * Tracer stage: the document is registered; splitting, reading, classification, matching
 * and filing follow as further steps of this workflow.
 */
import { ActivityFailure, defineQuery, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { EingangErgebnis, EingangInput, EingangStatus } from '../../domain/eingang';
import { EINGANGSDATUM, PROZESS, Prozess, QUELLE, STATUS } from '../../domain/search-attributes';

const { registriereEingang } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export const eingangStatusQuery = defineQuery<EingangStatus>('status');

export async function posteingang(input: EingangInput): Promise<EingangErgebnis> {
  let status: EingangStatus = 'erfasst';
  setHandler(eingangStatusQuery, () => status);
  upsertSearchAttributes([
    { key: PROZESS, value: Prozess.POSTEINGANG },
    { key: STATUS, value: status },
    { key: QUELLE, value: input.quelle },
    { key: EINGANGSDATUM, value: new Date(`${input.eingangsdatum}T00:00:00Z`) },
  ]);
  try {
    const record = await registriereEingang(input);
    status = 'registriert';
    upsertSearchAttributes([{ key: STATUS, value: status }]);
    return { status, record };
  } catch (err) {
    // A business failure never loses the document: it waits in quarantine with a reason
    // a person understands; technical failures are retried by the activity's policy.
    if (!(err instanceof ActivityFailure)) throw err;
    status = 'quarantaene';
    upsertSearchAttributes([{ key: STATUS, value: status }]);
    return { status, grund: err.cause?.message ?? err.message };
  }
}
