/**
 * zentraldruckBescheide: takes the Bescheide from the Fachverfahren's output folder (PDF + JSON
 * sidecar, format in activities/druck/ausgabe.ts) and starts one letter workflow per Bescheid.
 * Started by the schedule `zentraldruck-bescheide` (every few minutes) or by hand.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ZentraldruckPolicy } from '../../domain/briefdruck';

const { uebernehmeBescheide } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

export async function zentraldruckBescheide(a: { policy?: Partial<ZentraldruckPolicy> } = {}): Promise<{ gestartet: number; vorhanden: number; fehler: number }> {
  return uebernehmeBescheide(a);
}
