/**
 * zentraldruckAnnahmeschluss: started by the schedule `zentraldruck-annahmeschluss` (Mon–Fri at
 * the cut-off time, Europe/Berlin); tells today's batch "cut-off now". On a holiday of the
 * configured Land nothing happens: no batch on holidays, its letters wait for the next working day.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ZentraldruckPolicy } from '../../domain/briefdruck';

const { sendeAnnahmeschluss } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 20 },
});

export async function zentraldruckAnnahmeschluss(a: { batchPraefix?: string; land?: ZentraldruckPolicy['land'] } = {}): Promise<string> {
  return sendeAnnahmeschluss(a);
}
