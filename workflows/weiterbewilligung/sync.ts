/**
 * Daily sync of the Bewilligungszeiträume (started by the schedule `weiterbewilligung-sync-taeglich`):
 * one long activity pages through the Fachverfahren's BWZ in the window and starts/updates one
 * `weiterbewilligung` workflow per BWZ. The activity heartbeats its progress and resumes from it
 * after a retry, so a worker restart half-way does not begin again at the first household.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { SyncErgebnis, SyncInput } from '../../domain/weiterbewilligung';

const { synchronisiereWeiterbewilligung } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2, maximumAttempts: 10 },
});

export async function weiterbewilligungSync(input: SyncInput = {}): Promise<SyncErgebnis> {
  return synchronisiereWeiterbewilligung(input);
}
