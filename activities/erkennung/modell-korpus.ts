/**
 * The training corpus: letters of every type from the seeded test-letter generator
 * (testdaten/posteingang), as plain text. The shipped model and every retraining use the same
 * seed (TRAININGS_SEED), the recognition benchmark a different one.
 */
import { briefText, erzeugeTexte } from '../../testdaten/posteingang';
import type { Beispiel } from './klassifikation';

export function trainingsKorpus(seed: number, proArt: number): Beispiel[] {
  return erzeugeTexte(seed, proArt).map((b) => ({ text: briefText(b), art: b.art }));
}
