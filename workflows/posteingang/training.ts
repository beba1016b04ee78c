/**
 * Weekly retraining of the recognition model from the corrections people made in the Postkorb
 * (schedule `klassifikator-training-woechentlich`, Sunday 04:00 Europe/Berlin). The activity
 * (activities/erkennung) trains on the shipped corpus + corrections and activates the new model
 * only if it is not worse on the holdout; workers pick up the active model at their next document.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface TrainingErgebnis {
  version: string;
  aktiviert: boolean;
  metriken?: unknown;
}

const { trainiereKlassifikator } = proxyActivities<{ trainiereKlassifikator(): Promise<TrainingErgebnis> }>({
  startToCloseTimeout: '2 hours',
  retry: { initialInterval: '1 minute', maximumInterval: '30 minutes', maximumAttempts: 3 },
});

export async function klassifikatorTraining(): Promise<TrainingErgebnis> {
  return trainiereKlassifikator();
}
