/**
 * Activities of document recognition. The recognition itself runs where the text is
 * (`holeKlassifikator(dataDir).erkenne(text, …)` inside the Posteingang activities); here: the
 * scheduled retraining on corrections, and recording a correction a person made.
 */
import { Context } from '@temporalio/activity';
import { holeKlassifikator, speichereKorrektur, trainiereNeu, type Korrektur } from './modell';

export { holeKlassifikator, ladeKlassifikator, speichereKorrektur, trainiereNeu } from './modell';
export { findeMerkmale } from './merkmale';
export { erkennungsKonfigAusEnv, STANDARD_SCHWELLE } from './klassifikation-konfig';

export interface TrainingsErgebnis {
  version: string;
  aktiviert: boolean;
  /** Accuracy / macro-F1 on the same holdout: the new model and the one active before. */
  neu: { accuracy: number; macroF1: number; ece: number };
  alt: { version: string; accuracy: number; macroF1: number };
  holdout: number;
  korrekturen: number;
}

/** Heartbeats when running as an activity (no-op when called directly, e.g. from a CLI or test). */
function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not inside an activity
  }
}

export function createErkennungActivities(deps: { dataDir: string }) {
  return {
    /** Trains a model on the shipped corpus + the corrections; activates it only if not worse. */
    async trainiereKlassifikator(): Promise<TrainingsErgebnis> {
      const r = await trainiereNeu({ dataDir: deps.dataDir, fortschritt: (epoche, epochen) => heartbeat({ epoche, epochen }) });
      const { neu, alt } = r.metriken;
      return {
        version: r.version,
        aktiviert: r.aktiviert,
        neu: { accuracy: neu.accuracy, macroF1: neu.macroF1, ece: neu.ece },
        alt: { version: alt.version, accuracy: alt.accuracy, macroF1: alt.macroF1 },
        holdout: r.metriken.holdout,
        korrekturen: r.metriken.korrekturen,
      };
    },
    /** Records a person's correction of a recognised type (training material for the next retraining). */
    async speichereErkennungsKorrektur(k: Korrektur): Promise<void> {
      speichereKorrektur(deps.dataDir, k);
    },
    /** Version of the model recognition uses now (for the record of a decision). */
    async aktiveModellVersion(): Promise<string> {
      return (await holeKlassifikator(deps.dataDir)).modellVersion;
    },
  };
}
