import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bewerte, Klassifikator, passeTemperaturAn, trainiereModell, waehleSchwelle, berechneEce } from '../../activities/erkennung/klassifikation';
import { verrausche } from '../../activities/erkennung/klassifikation-text';
import { trainingsKorpus } from '../../activities/erkennung/modell-korpus';
import {
  aktiviereModell,
  aktivesModellPfad,
  holeKlassifikator,
  ladeKlassifikator,
  ladeKorrekturen,
  ladeModellDatei,
  speichereKorrektur,
  speichereModell,
  standardmodellPfad,
  teileKorpus,
  trainiereAusKorpus,
  trainiereNeu,
} from '../../activities/erkennung/modell';
import { ladeRegeln } from '../../activities/erkennung/regeln';
import { mulberry32 } from '../../domain/zufall';

const regelwerk = ladeRegeln();
const korpus = trainingsKorpus(4711, 16);
// fewer epochs than the shipped model: enough for these tests, and quick
const modell = trainiereAusKorpus(korpus, [], { regelwerk, seed: 4711, datum: '2026-11-26', epochen: 40 });
const klassifikator = new Klassifikator(modell, regelwerk);
const test = trainingsKorpus(31337, 8);

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'erkennung-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('Klassifikator', () => {
  it('recognises generated letters of another seed and names its model version', () => {
    const m = bewerte(test.map((b) => ({ wahr: b.art, ...pick(klassifikator.erkenne(b.text)) })));
    expect(m.accuracy).toBeGreaterThan(0.9);
    const e = klassifikator.erkenne(test[0]!.text, { eingangsdatum: '2026-11-02' });
    expect(e.modellVersion).toMatch(/^m-2026-11-26-[0-9a-f]{8}$/);
    expect(Object.values(e.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(e.scores[e.dokumentart]).toBeCloseTo(e.confidence, 5);
    expect(Math.max(...Object.values(e.scores))).toBe(e.scores[e.dokumentart]);
  });

  it('same examples and seed give the same model (version is a content hash)', () => {
    const nochmal = trainiereAusKorpus(korpus, [], { regelwerk, seed: 4711, datum: '2026-11-26', epochen: 40 });
    expect(nochmal.version).toBe(modell.version);
    expect(nochmal.gewichte).toEqual(modell.gewichte);
  });

  it('save → activate → load gives the same results', async () => {
    speichereModell(dataDir, modell);
    aktiviereModell(dataDir, modell.version);
    expect(aktivesModellPfad(dataDir)).toBe(path.join(dataDir, 'erkennung', 'modelle', `${modell.version}.json`));
    const geladen = await ladeKlassifikator({ dataDir });
    for (const b of test.slice(0, 20)) expect(geladen.erkenne(b.text)).toEqual(klassifikator.erkenne(b.text));
    expect(geladen.modellVersion).toBe(modell.version);
  });

  it('without a pointer the shipped default model is active; it is valid', async () => {
    expect(aktivesModellPfad(dataDir)).toBe(standardmodellPfad());
    const k = await ladeKlassifikator({ dataDir });
    expect(k.modellVersion).toBe(ladeModellDatei(standardmodellPfad()).version);
    expect(k.erkenne('Hiermit lege ich Widerspruch gegen den Bescheid vom 02.03.2026 ein.').dokumentart).toBe('WIDERSPRUCH');
  });

  it('other rules than calibrated with show in the version', () => {
    const andere = { ...regelwerk, hash: 'f'.repeat(64) };
    expect(new Klassifikator(modell, andere).modellVersion).toBe(`${modell.version}+rffffffff`);
  });

  it('explains a decision by its strongest terms', () => {
    const e = klassifikator.erklaere('Hiermit lege ich Widerspruch gegen den Bescheid vom 02.03.2026 ein.');
    expect(e.dokumentart).toBe('WIDERSPRUCH');
    expect(e.terme.map((t) => t.term).join(' ')).toMatch(/w:widerspruch/);
    expect(e.regeln).toContain('widerspruch-einlegen');
  });
});

function pick(e: { dokumentart: import('../../domain/posteingang').Eingangsart; confidence: number }) {
  return { erkannt: e.dokumentart, confidence: e.confidence };
}

describe('Kalibrierung', () => {
  it('fits the temperature of data drawn from known logits', () => {
    const rng = mulberry32(5);
    const logits: number[][] = [];
    const wahr: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const z = [rng() * 6, rng() * 6, rng() * 6];
      const p = z.map((v) => Math.exp(v / 2.5));
      const s = p.reduce((a, b) => a + b, 0);
      let r = rng() * s;
      let k = 0;
      while (r > p[k]!) r -= p[k++]!;
      logits.push(z);
      wahr.push(k);
    }
    expect(passeTemperaturAn(logits, wahr)).toBeCloseTo(2.5, 0);
  });

  it('is monotone: higher confidence, higher accuracy (shipped model, noisy texts, reliability by bins)', async () => {
    const standard = await ladeKlassifikator({});
    const rng = mulberry32(9);
    const erg = trainingsKorpus(2024, 12).map((b) => {
      const e = standard.erkenne(verrausche(b.text, rng, 0.3));
      return { richtig: e.dokumentart === b.art, confidence: e.confidence };
    });
    const genau = (xs: typeof erg) => xs.filter((x) => x.richtig).length / Math.max(1, xs.length);
    const niedrig = erg.filter((x) => x.confidence < 0.7);
    const mittel = erg.filter((x) => x.confidence >= 0.7 && x.confidence < 0.97);
    const hoch = erg.filter((x) => x.confidence >= 0.97);
    expect(niedrig.length && mittel.length && hoch.length).toBeGreaterThan(0);
    expect(genau(niedrig)).toBeLessThan(genau(mittel));
    expect(genau(mittel)).toBeLessThanOrEqual(genau(hoch));
    expect(berechneEce(erg)).toBeLessThan(0.15);
  });

  it('temperature scaling never changes the decided type', () => {
    for (const b of test.slice(0, 30)) {
      const { p, roh } = klassifikator.wahrscheinlichkeiten(b.text);
      expect(p.indexOf(Math.max(...p))).toBe(roh.indexOf(Math.max(...roh)));
    }
  });

  it('chooses the lowest threshold with ≤ 1 % error among auto-filed', () => {
    const erg = [
      ...Array.from({ length: 99 }, (_, i) => ({ richtig: true, confidence: 0.99 - i * 0.001 })),
      { richtig: false, confidence: 0.5 },
      { richtig: true, confidence: 0.4 },
      { richtig: false, confidence: 0.3 },
    ];
    const s = waehleSchwelle(erg, 0.01);
    expect(s.schwelle).toBe(0.4);
    expect(s.stp).toBeCloseTo(101 / 102, 6);
    expect(waehleSchwelle([{ richtig: false, confidence: 0.9 }]).stp).toBe(0);
  });
});

describe('Lernen aus Korrekturen', () => {
  const klassenfahrt = (i: number) =>
    [
      `Sehr geehrte Damen und Herren,`,
      `meine Tochter fährt im ${['Mai', 'Juni', 'Juli', 'September', 'Oktober', 'März', 'April', 'Februar', 'Januar', 'Dezember'][i]} mit ihrer Klasse ${i + 5}b auf Klassenfahrt ins Schullandheim.`,
      `Die Schule verlangt ${120 + i * 7},00 Euro für die mehrtägige Klassenfahrt. Bitte übernehmen Sie die Kosten aus dem Bildungspaket.`,
      `Die Bestätigung der Schule über die Klassenfahrt liegt bei.`,
      `Mit freundlichen Grüßen`,
    ].join('\n');

  it('appends corrections durably; a later correction of the same text wins; a torn line is skipped', () => {
    const k = { text: 'a', dokumentart: 'WBA' as const, erkannt: 'VAEM' as const, modellVersion: modell.version, wann: '2026-11-26T10:00:00Z' };
    speichereKorrektur(dataDir, k);
    speichereKorrektur(dataDir, { ...k, text: 'b' });
    speichereKorrektur(dataDir, { ...k, dokumentart: 'HAUPTANTRAG' });
    fs.appendFileSync(path.join(dataDir, 'erkennung', 'korrekturen.jsonl'), '{"text":"c","dokum');
    expect(ladeKorrekturen(dataDir).map((x) => [x.text, x.dokumentart])).toEqual([
      ['b', 'WBA'],
      ['a', 'HAUPTANTRAG'],
    ]);
    expect(() => speichereKorrektur(dataDir, { ...k, dokumentart: 'UNBEKANNT' as never })).toThrow();
  });

  it('retraining on corrections changes a decision and activates the new model', async () => {
    speichereModell(dataDir, modell);
    aktiviereModell(dataDir, modell.version);
    const vorher = await holeKlassifikator(dataDir);
    const neuerBrief = klassenfahrt(9);
    const erst = vorher.erkenne(neuerBrief);
    expect(erst.dokumentart).not.toBe('HAUPTANTRAG');
    for (let i = 0; i < 9; i++) {
      speichereKorrektur(dataDir, { text: klassenfahrt(i), dokumentart: 'HAUPTANTRAG', erkannt: erst.dokumentart, modellVersion: vorher.modellVersion, wann: '2026-11-26T10:00:00Z' });
    }
    const r = await trainiereNeu({ dataDir, korpus, datum: '2026-11-27', epochen: 60 });
    expect(r.metriken.korrekturen).toBe(9);
    expect(r.aktiviert).toBe(true);
    expect(r.metriken.neu.accuracy).toBeGreaterThanOrEqual(r.metriken.alt.accuracy);
    const nachher = await holeKlassifikator(dataDir);
    expect(nachher.modellVersion).toBe(r.version);
    expect(nachher.modellVersion).not.toBe(vorher.modellVersion);
    expect(nachher.erkenne(neuerBrief).dokumentart).toBe('HAUPTANTRAG');
  });

  it('a new model that is worse on the holdout is stored but not activated', async () => {
    // The active model is trained on the full corpus; the candidate sees only 3 letters per type.
    speichereModell(dataDir, modell);
    aktiviereModell(dataDir, modell.version);
    const r = await trainiereNeu({ dataDir, korpus: korpus.filter((_, i) => i % 8 === 0), datum: '2026-11-27', seed: 4711, epochen: 40 });
    expect(r.aktiviert).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'erkennung', 'modelle', `${r.version}.json`))).toBe(true);
    expect((await ladeKlassifikator({ dataDir })).modellVersion).toBe(modell.version);
  });
});

describe('trainiereModell', () => {
  it('records training size, corrections, calibration and metrics', () => {
    expect(modell.training).toMatchObject({ korrekturen: 0, seed: 4711 });
    expect(modell.training.groesse + modell.training.kalibrierung).toBe(teileKorpus(korpus, 4711)[0].length);
    expect(modell.metriken.n).toBe(modell.training.kalibrierung * 2);
    expect(modell.regelnHash).toBe(regelwerk.hash);
    expect(() => trainiereModell([], { regelwerk, seed: 1 })).not.toThrow();
  });
});
