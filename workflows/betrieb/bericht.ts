/** betriebsbericht: started daily by the schedule `betriebsbericht-taeglich`; writes the health report. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { BetriebsberichtErgebnis } from '../../activities/betrieb/bericht';

const { betriebsberichtErstellen } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function betriebsbericht(): Promise<BetriebsberichtErgebnis> {
  return betriebsberichtErstellen();
}
