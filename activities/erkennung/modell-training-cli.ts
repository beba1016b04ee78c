/**
 * Trains the shipped default model: `node dist/activities/erkennung/modell-training-cli.js
 * [--seed 4711] [--pro-art 250] [--kopien 2] [--datum YYYY-MM-DD] [--out config/erkennung/standardmodell.json]`.
 * Corpus: the seeded test-letter generator (the bench uses another seed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { trainingsKorpus } from './modell-korpus';
import { standardmodellPfad, trainiereAusKorpus, TRAININGS_PRO_ART, TRAININGS_SEED } from './modell';
import { ladeRegeln } from './regeln';

export function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { seed: { type: 'string' }, 'pro-art': { type: 'string' }, datum: { type: 'string' }, out: { type: 'string' }, kopien: { type: 'string' } },
  });
  const seed = values.seed ? Number(values.seed) : TRAININGS_SEED;
  const proArt = values['pro-art'] ? Number(values['pro-art']) : TRAININGS_PRO_ART;
  const t0 = performance.now();
  const korpus = trainingsKorpus(seed, proArt);
  const t1 = performance.now();
  const modell = trainiereAusKorpus(korpus, [], { regelwerk: ladeRegeln(), seed, datum: values.datum, rauschKopien: values.kopien ? Number(values.kopien) : undefined });
  const t2 = performance.now();
  const out = path.resolve(values.out ?? standardmodellPfad());
  fs.writeFileSync(out, JSON.stringify(modell) + '\n');
  const m = modell.metriken;
  process.stdout.write(
    `${modell.version}: ${korpus.length} Briefe (Seed ${seed}), Training ${modell.training.groesse}, Kalibrierung ${modell.training.kalibrierung}, ` +
      `${modell.vokabular.length} Merkmale, T=${modell.temperatur}\n` +
      `Kalibrier-Split: accuracy=${m.accuracy.toFixed(4)} macroF1=${m.macroF1.toFixed(4)} ECE=${m.ece.toFixed(4)}\n` +
      `Erzeugen ${(t1 - t0).toFixed(0)} ms, Training ${(t2 - t1).toFixed(0)} ms → ${out} (${(fs.statSync(out).size / 1024).toFixed(0)} kB)\n`,
  );
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
