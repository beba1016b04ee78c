/**
 * aufbewahrung: started daily by the schedule `aufbewahrung-taeglich` (domain/zeitplaene.ts).
 * Applies each retention rule in its own activity (idempotent; a retry repeats only that rule),
 * then writes the report and records the run in the audit trail. Returns the report.
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AufbewahrungInput, AufbewahrungRegel, AufbewahrungsBericht, RegelErgebnis } from '../../activities/betrieb/aufbewahrung';

const REGELN: readonly AufbewahrungRegel[] = ['seitenbilder', 'ocr-text', 'eingangsdateien', 'quarantaene', 'audit'];

const { aufbewahrungRegel, aufbewahrungBericht } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function aufbewahrung(input: AufbewahrungInput = {}): Promise<AufbewahrungsBericht> {
  const regeln: RegelErgebnis[] = [];
  for (const regel of REGELN) regeln.push(await aufbewahrungRegel({ regel, input }));
  // Added with the e-mail intake; a run started before it replays without.
  if (patched('aufbewahrung-emails')) regeln.push(await aufbewahrungRegel({ regel: 'emails', input }));
  const info = workflowInfo();
  return aufbewahrungBericht({ lauf: `${info.workflowId}_${info.runId}`, trockenlauf: input.trockenlauf === true, regeln });
}
