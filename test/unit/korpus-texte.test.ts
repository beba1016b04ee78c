/** Test letters, text level: determinism, coverage of all types, identifiers and their truth. */
import { EINGANGSARTEN } from '../../domain/posteingang';
import { normalizeBgNummer, normalizeKundennummer } from '../../domain/identifiers';
import { mulberry32 } from '../../domain/zufall';
import { briefText, erzeugeBrief, erzeugeTexte, haushalteAusLandkreis, ibanGueltig, mitOcrFehlern, vorlagenVon } from '../../testdaten/posteingang';
import { deutscheIban, falscheIban, Wuerfel } from '../../testdaten/posteingang/werkzeug';

describe('korpus: texts', () => {
  const briefe = erzeugeTexte(11, 40);

  it('same seed gives the same letters, another seed other letters', () => {
    expect(JSON.stringify(erzeugeTexte(11, 40))).toBe(JSON.stringify(briefe));
    expect(briefText(erzeugeTexte(12, 40)[0]!)).not.toBe(briefText(briefe[0]!));
    const a = erzeugeBrief(mulberry32(3), 'WIDERSPRUCH');
    const b = erzeugeBrief(mulberry32(3), 'WIDERSPRUCH');
    expect(b).toEqual(a);
  });

  it('generates every type with several templates, each with the type in its truth', () => {
    expect(briefe).toHaveLength(EINGANGSARTEN.length * 40);
    for (const art of EINGANGSARTEN) {
      const vonArt = briefe.filter((b) => b.art === art);
      expect(vonArt).toHaveLength(40);
      expect(vonArt.every((b) => b.wahrheit.art === art && b.zeilen.filter((z) => z.trim()).length >= 5)).toBe(true);
      expect(new Set(vonArt.map((b) => b.wahrheit.vorlage.split(':')[0])).size).toBeGreaterThanOrEqual(Math.min(2, vorlagenVon(art).length));
    }
    expect(EINGANGSARTEN.every((art) => vorlagenVon(art).length >= 1)).toBe(true);
  });

  it('writes BG-Nummern in wild forms that normalise to the truth, in about 80 % of letters', () => {
    const mit = briefe.filter((b) => b.wahrheit.bgNummer);
    expect(mit.length / briefe.length).toBeGreaterThan(0.65);
    expect(mit.length / briefe.length).toBeLessThan(0.9);
    const formen = new Set<string>();
    for (const b of mit) {
      const g = b.wahrheit.bgNummerGeschrieben!;
      expect(normalizeBgNummer(g)).toBe(b.wahrheit.bgNummer);
      expect(b.zeilen.some((z) => z.includes(g))).toBe(true);
      formen.add(g.replace(/\d/g, '9'));
    }
    expect(formen.size).toBeGreaterThanOrEqual(4);
    for (const b of briefe.filter((x) => x.wahrheit.kundennummer)) {
      expect(normalizeKundennummer(b.wahrheit.kundennummerGeschrieben!)).toBe(b.wahrheit.kundennummer);
    }
  });

  it('prints IBANs with valid checksums except the traps marked invalid', () => {
    const mit = briefe.filter((b) => b.wahrheit.iban);
    expect(mit.length).toBeGreaterThan(50);
    for (const b of mit) {
      expect(ibanGueltig(b.wahrheit.iban!)).toBe(b.wahrheit.ibanGueltig);
      const kompakt = b.zeilen.join('\n').replace(/ /g, '');
      expect(kompakt).toContain(b.wahrheit.iban!);
    }
    expect(mit.some((b) => b.wahrheit.ibanGueltig === false)).toBe(true);
    expect(ibanGueltig('DE89370400440532013000')).toBe(true); // the well-known example IBAN
    const w = new Wuerfel(mulberry32(1));
    for (let i = 0; i < 200; i++) {
      const iban = deutscheIban(w.ziffern(8), w.ziffern(10));
      expect(ibanGueltig(iban)).toBe(true);
      expect(ibanGueltig(falscheIban(w, iban))).toBe(false);
    }
  });

  it('dates letters before the reference day and Widersprüche name the contested Bescheid', () => {
    for (const b of briefe) {
      if (b.wahrheit.briefdatum) expect(b.wahrheit.briefdatum <= '2026-11-02' && b.wahrheit.briefdatum > '2026-08-01').toBe(true);
    }
    const widersprueche = briefe.filter((b) => b.art === 'WIDERSPRUCH');
    expect(widersprueche.every((b) => b.wahrheit.bescheidVom && b.wahrheit.bescheidVom < b.wahrheit.briefdatum!)).toBe(true);
  });

  it('contains the confusers the classifier must survive', () => {
    const verw = (art: string, mit: string) => briefe.filter((b) => b.art === art && b.wahrheit.verwechsler === mit);
    const wbaWiderspruch = verw('WIDERSPRUCH', 'WBA');
    expect(wbaWiderspruch.length).toBeGreaterThan(0);
    expect(wbaWiderspruch.every((b) => /Weiterbewilligung/.test(briefText(b)))).toBe(true);
    const jcAuszug = verw('KONTOAUSZUG', 'WBA');
    expect(jcAuszug.length).toBeGreaterThan(0);
    expect(jcAuszug.every((b) => /JOBCENTER/.test(briefText(b)) && /Bürgergeld/.test(briefText(b)))).toBe(true);
    expect(verw('VAEM', 'MIETVERTRAG').every((b) => /Mietvertrag/.test(briefText(b)))).toBe(true);
    expect(verw('VAEM', 'MIETVERTRAG').length).toBeGreaterThan(0);
    expect(briefe.filter((b) => b.art === 'FREMDBESCHEID').every((b) => /Widerspruch/.test(briefText(b)))).toBe(true);
    expect(verw('WBA', 'EINKOMMENSNACHWEIS').every((b) => /(Verdienst|Lohn)abrechnung/.test(briefText(b)))).toBe(true);
    // opts.verwechsler forces or forbids the confuser
    const rng = mulberry32(5);
    for (let i = 0; i < 10; i++) {
      expect(erzeugeBrief(rng, 'KONTOAUSZUG', { verwechsler: true }).wahrheit.verwechsler).toBe('WBA');
      expect(erzeugeBrief(rng, 'KONTOAUSZUG', { verwechsler: false }).wahrheit.verwechsler).toBeUndefined();
    }
  });

  it('writes for households of the simulated Landkreis when asked', () => {
    const haushalte = haushalteAusLandkreis(1, 20);
    expect(haushalte).toHaveLength(20);
    const rng = mulberry32(9);
    for (const h of haushalte) {
      const b = erzeugeBrief(rng, 'WBA', { haushalt: h, bgQuote: 1 });
      expect(b.wahrheit.bgNummer).toBe(h.bgNummer);
      const p = h.personen.find((x) => x.vorname === b.wahrheit.absender.vorname && x.nachname === b.wahrheit.absender.nachname);
      expect(p).toBeDefined();
      if (b.wahrheit.kundennummer) expect(b.wahrheit.kundennummer).toBe(p!.kundennummer);
      expect(b.wahrheit.absender.plz).toBe(h.anschrift.plz);
    }
    const ohne = erzeugeTexte(4, 5, { bgQuote: 0 });
    expect(ohne.filter((b) => b.wahrheit.bgNummer || /\d{5}\s*\/?\s*BG/i.test(briefText(b)))).toHaveLength(0);
  });
});

describe('korpus: OCR noise for training texts', () => {
  it('changes about the given share of characters, deterministically', () => {
    const text = briefText(erzeugeBrief(mulberry32(2), 'WBA'));
    const a = mitOcrFehlern(text, mulberry32(1), 0.05);
    expect(mitOcrFehlern(text, mulberry32(1), 0.05)).toBe(a);
    expect(a).not.toBe(text);
    expect(mitOcrFehlern(text, mulberry32(1), 0)).toBe(text);
    expect(Math.abs(a.length - text.length) / text.length).toBeLessThan(0.05);
    const zeilen = text.split('\n');
    const geaendert = (t: string) => t.split('\n').filter((z, i) => z !== zeilen[i]).length;
    expect(a.split('\n')).toHaveLength(zeilen.length);
    // More noise, more lines touched; most lines survive light noise.
    expect(geaendert(a)).toBeGreaterThan(geaendert(mitOcrFehlern(text, mulberry32(1), 0.002)));
    expect(geaendert(mitOcrFehlern(text, mulberry32(1), 0.002))).toBeLessThan(zeilen.filter(Boolean).length / 2);
  });
});
