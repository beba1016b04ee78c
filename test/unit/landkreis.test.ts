import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BusinessError } from '../../connectors/errors';
import { generiereLandkreis, ORTE, zustaendigesTeam } from '../../connectors/fachverfahren/landkreis/generator';
import { FachverfahrenStore } from '../../connectors/fachverfahren/landkreis/store';
import { alterAm, monatsende, plusTage, tageZwischen } from '../../connectors/fachverfahren/landkreis/tage';
import { koelnerPhonetik, namensAehnlichkeit, normalisiereName, normalisiereStrasse } from '../../connectors/fachverfahren/landkreis/namen';
import { BG_NUMMER, KUNDENNUMMER } from '../../domain/identifiers';
import type { Haushalt } from '../../connectors/fachverfahren/port';

const STICHTAG = '2026-03-15';
const lk = generiereLandkreis({ seed: 42, haushalte: 2000, stichtag: STICHTAG });

function monate(beginn: string, ende: string): number {
  const [by, bm] = beginn.split('-').map(Number) as [number, number];
  const [ey, em] = ende.split('-').map(Number) as [number, number];
  return (ey - by) * 12 + (em - bm) + 1;
}

describe('generiereLandkreis', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(generiereLandkreis({ seed: 42, haushalte: 2000, stichtag: STICHTAG })).toEqual(lk);
    const other = generiereLandkreis({ seed: 43, haushalte: 2000, stichtag: STICHTAG });
    expect(other.haushalte[0]!.personen[0]).not.toEqual(lk.haushalte[0]!.personen[0]);
  });

  /** Households violating a rule (collected, so one expect reports them all). */
  const verstoesse = (regel: (h: Haushalt) => boolean) => lk.haushalte.filter((h) => !regel(h)).map((h) => h.bgNummer);

  it('gives valid, unique BG-Nummern and Kundennummern of the office', () => {
    expect(lk.amtsKennung).toMatch(/^\d{5}$/);
    expect(verstoesse((h) => BG_NUMMER.test(h.bgNummer) && h.bgNummer.startsWith(`${lk.amtsKennung}BG`))).toEqual([]);
    expect(verstoesse((h) => h.personen.every((p) => KUNDENNUMMER.test(p.kundennummer) && p.kundennummer.startsWith(lk.amtsKennung.slice(0, 3))))).toEqual([]);
    expect(new Set(lk.haushalte.map((h) => h.bgNummer)).size).toBe(2000);
    const kunden = lk.haushalte.flatMap((h) => h.personen.map((p) => p.kundennummer));
    expect(new Set(kunden).size).toBe(kunden.length);
  });

  it('has households of 1–6 persons, mostly singles, with plausible ages per role', () => {
    const groessen = new Map<number, number>();
    for (const h of lk.haushalte) groessen.set(h.personen.length, (groessen.get(h.personen.length) ?? 0) + 1);
    expect([...groessen.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const singles = groessen.get(1)! / 2000;
    expect(singles).toBeGreaterThan(0.4);
    expect(singles).toBeLessThan(0.65);
    expect(groessen.get(6)!).toBeLessThan(groessen.get(2)!);
    expect(
      verstoesse((h) => {
        const [as, ...rest] = h.personen;
        const alter = alterAm(as!.geburtsdatum, STICHTAG);
        if (as!.rolle !== 'antragsteller' || alter < 18 || alter > 67) return false;
        if (rest.filter((p) => p.rolle === 'partner').length > 1 || rest.some((p) => p.rolle === 'antragsteller')) return false;
        return rest.every((p) => {
          const a = alterAm(p.geburtsdatum, STICHTAG);
          if (p.rolle === 'partner') return a >= 18 && a <= 67;
          if (p.rolle === 'kind') return a >= 0 && a <= 24 && alter - a >= 18;
          return a >= 0;
        }) && h.personen.every((p) => p.vorname.length > 1 && p.nachname.length > 1);
      }),
    ).toEqual([]);
  });

  it('places every household in a town of the Landkreis with its postcode', () => {
    expect(verstoesse((h) => Boolean(ORTE.find((o) => o.name === h.anschrift.ort)?.plz.includes(h.anschrift.plz)) && h.anschrift.strasse.length > 2 && /^\d{1,3}[a-c]?$/.test(h.anschrift.hausnummer))).toEqual([]);
    expect(new Set(lk.haushalte.map((h) => h.anschrift.ort)).size).toBe(ORTE.length);
  });

  it('gives BWZ of 12 months (or 6 provisional) that run around the Stichtag, ends spread over the year', () => {
    expect(
      verstoesse((h) =>
        h.bewilligungszeitraeume.length >= 1 &&
        h.bewilligungszeitraeume.every((b) => b.beginn.endsWith('-01') && b.ende === monatsende(b.ende) && monate(b.beginn, b.ende) === (b.art === 'vorlaeufig' ? 6 : 12)) &&
        h.bewilligungszeitraeume.every((b, i, all) => i === 0 || plusTage(all[i - 1]!.ende, 1) === b.beginn),
      ),
    ).toEqual([]);
    const aktuell = (h: Haushalt) => h.bewilligungszeitraeume.at(-1)!;
    expect(verstoesse((h) => (h.aufgeloest ? aktuell(h).ende < STICHTAG : aktuell(h).beginn <= STICHTAG && STICHTAG <= aktuell(h).ende))).toEqual([]);
    const vorlaeufig = lk.haushalte.filter((h) => aktuell(h).art === 'vorlaeufig').length / 2000;
    expect(vorlaeufig).toBeGreaterThan(0.08);
    expect(vorlaeufig).toBeLessThan(0.25);
    expect(lk.haushalte.filter((h) => h.bewilligungszeitraeume.length === 2).length / 2000).toBeGreaterThan(0.5);
    expect(new Set(lk.haushalte.filter((h) => !h.aufgeloest).map((h) => aktuell(h).ende.slice(0, 7))).size).toBe(12);
    expect(lk.haushalte.some((h) => h.aufgeloest)).toBe(true);
  });

  it('assigns the Leistung team by surname range and location; also has Markt & Integration teams', () => {
    expect(lk.teams.some((t) => t.bereich === 'markt-integration')).toBe(true);
    expect(
      verstoesse((h) => {
        const m = /^Team ([A-Z])–([A-Z]) /.exec(h.team.name);
        const buchstabe = normalisiereName(h.personen[0]!.nachname)[0]!.toUpperCase();
        return h.team.bereich === 'leistung' && m !== null && buchstabe >= m[1]! && buchstabe <= m[2]! && h.team.id === zustaendigesTeam(lk.teams, h.personen[0]!.nachname, h.anschrift.plz).id;
      }),
    ).toEqual([]);
    expect(zustaendigesTeam(lk.teams, 'Özdemir', '37520').name).toBe('Team H–P Nord');
    expect(zustaendigesTeam(lk.teams, 'Ackermann', '37073').name).toBe('Team A–D Süd');
  });
});

describe('namen', () => {
  it('normalises umlauts, ß, accents and case', () => {
    expect(normalisiereName(' Müller-Lüdenscheidt ')).toBe('mueller-luedenscheidt');
    expect(normalisiereName('STRAßBURGER')).toBe('strassburger');
    expect(normalisiereName('José  Ñúñez')).toBe('jose nunez');
    expect(normalisiereStrasse('Hauptstr. 5')).toBe(normalisiereStrasse('Haupt-Straße'));
  });

  it('computes Kölner Phonetik and similarity', () => {
    expect(koelnerPhonetik(normalisiereName('Müller-Lüdenscheidt'))).toBe('65752682');
    expect(koelnerPhonetik('meier')).toBe(koelnerPhonetik('mayer'));
    expect(namensAehnlichkeit('schmidt', 'schmitt')).toBeGreaterThan(0.9);
    expect(namensAehnlichkeit('mueller', 'mueller-luedenscheidt')).toBeGreaterThanOrEqual(0.9);
    expect(namensAehnlichkeit('schmidt', 'yilmaz')).toBeLessThan(0.6);
  });
});

describe('FachverfahrenStore', () => {
  const klein = generiereLandkreis({ seed: 7, haushalte: 300, stichtag: STICHTAG });
  let store: FachverfahrenStore;
  beforeEach(() => {
    store = new FachverfahrenStore(klein);
  });
  const familie = (): Haushalt => klein.haushalte.find((h) => h.personen.length >= 3 && !h.aufgeloest)!;

  it('finds households by BG-Nummer and Kundennummer in written forms; unknown is null', () => {
    const h = familie();
    const bgMitLeer = h.bgNummer.replace(/^(\d{5})BG(\d{7})$/, '$1 BG $2');
    expect(store.findeHaushalt({ bgNummer: bgMitLeer })).toEqual(h);
    const kind = h.personen[2]!;
    expect(store.findeHaushalt({ kundennummer: `${kind.kundennummer.slice(0, 3)} ${kind.kundennummer.slice(3, 4).toLowerCase()} ${kind.kundennummer.slice(4)}` })?.bgNummer).toBe(h.bgNummer);
    expect(store.findeHaushalt({ bgNummer: `${klein.amtsKennung}BG9999999` })).toBeNull();
    expect(store.findeHaushalt({ bgNummer: 'Unsinn' })).toBeNull();
    expect(store.findeHaushalt({ kundennummer: '962Z000000' })).toBeNull();
  });

  it('hands out copies: changing a result does not change the database', () => {
    const h = store.findeHaushalt({ bgNummer: familie().bgNummer })!;
    h.personen[0]!.nachname = 'Geändert';
    expect(store.findeHaushalt({ bgNummer: h.bgNummer })!.personen[0]!.nachname).toBe(familie().personen[0]!.nachname);
  });

  it('proposes the right household first for typos and umlaut spellings', () => {
    const mitUmlaut = klein.haushalte.find((h) => /[äöüß]/.test(h.personen[0]!.nachname))!;
    const p = mitUmlaut.personen[0]!;
    const umschrieben = p.nachname.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').toUpperCase();
    const v1 = store.schlageHaushalteVor({ nachname: umschrieben, vorname: p.vorname, geburtsdatum: p.geburtsdatum, plz: mitUmlaut.anschrift.plz });
    expect(v1[0]).toMatchObject({ bgNummer: mitUmlaut.bgNummer, treffer: ['geburtsdatum', 'nachname', 'vorname', 'plz'] });
    expect(v1[0]!.score).toBeGreaterThan(0.9);

    const h = familie();
    const q = h.personen[1]!;
    const tippfehler = q.nachname.slice(0, -2) + q.nachname.slice(-1) + q.nachname.slice(-2, -1);
    const v2 = store.schlageHaushalteVor({ nachname: tippfehler, vorname: q.vorname, geburtsdatum: q.geburtsdatum });
    expect(v2[0]?.bgNummer).toBe(h.bgNummer);
    expect(v2[0]!.score).toBeLessThan(1);
    expect(store.schlageHaushalteVor({ nachname: 'Xyzabc', geburtsdatum: q.geburtsdatum })).toEqual([]);
    expect(store.schlageHaushalteVor({ nachname: q.nachname, geburtsdatum: '1900-01-01' })).toEqual([]);
  });

  it('creates a Wiedervorlage once per referenz; unknown household is a business error', () => {
    const h = familie();
    const auftrag = { referenz: 'wf-1', bgNummer: h.bgNummer, betreff: 'WBA prüfen', faelligAm: '2026-04-01', prioritaet: 'hoch' as const };
    const a = store.erstelleWiedervorlage(auftrag);
    const b = store.erstelleWiedervorlage(auftrag);
    expect(a.neu).toBe(true);
    expect(b).toEqual({ wiedervorlageId: a.wiedervorlageId, neu: false });
    expect(store.wiedervorlagen(h.bgNummer)).toEqual([expect.objectContaining({ ...auftrag, teamId: h.team.id, wiedervorlageId: a.wiedervorlageId })]);
    expect(() => store.erstelleWiedervorlage({ ...auftrag, referenz: 'wf-2', bgNummer: `${klein.amtsKennung}BG9999999` })).toThrow(
      expect.objectContaining({ name: 'BusinessError', code: 'HAUSHALT_NICHT_GEFUNDEN' }) as BusinessError,
    );
    expect(() => store.erstelleWiedervorlage({ ...auftrag, referenz: 'wf-3', teamId: 'GIBTS-NICHT' })).toThrow(expect.objectContaining({ code: 'TEAM_NICHT_GEFUNDEN' }) as BusinessError);
  });

  it('records Antragseingänge and Neuanträge idempotently', () => {
    const h = familie();
    const e = store.erfasseAntragseingang({ referenz: 'e-1', bgNummer: h.bgNummer, art: 'WBA', eingangsdatum: '2026-03-02' });
    expect(store.erfasseAntragseingang({ referenz: 'e-1', bgNummer: h.bgNummer, art: 'WBA', eingangsdatum: '2026-03-02' })).toEqual({ eingangId: e.eingangId, neu: false });
    expect(store.eingaenge(h.bgNummer)).toEqual([expect.objectContaining({ eingangsdatum: '2026-03-02', art: 'WBA', eingangId: e.eingangId })]);

    const seen: string[][] = [];
    store.beiAenderung((bg) => seen.push(bg));
    const auftrag = { referenz: 'n-1', antragsteller: { vorname: 'Jürgen', nachname: 'Özdemir', geburtsdatum: '1980-05-17' }, anschrift: { strasse: 'Marktstr.', hausnummer: '3', plz: '37520', ort: 'Osterode am Harz' }, antragsdatum: '2026-03-10' };
    const n = store.legeNeuantragAn(auftrag);
    expect(store.legeNeuantragAn(auftrag)).toEqual({ ...n, neu: false });
    expect(n.bgNummer).toMatch(BG_NUMMER);
    expect(n.kundennummer).toMatch(KUNDENNUMMER);
    const neu = store.findeHaushalt({ kundennummer: n.kundennummer })!;
    expect(neu).toMatchObject({ bgNummer: n.bgNummer, bewilligungszeitraeume: [], aufgeloest: false, team: { name: 'Team H–P Nord' } });
    expect(seen).toEqual([[n.bgNummer]]);
    expect(store.schlageHaushalteVor({ nachname: 'Oezdemir', geburtsdatum: '1980-05-17' })[0]?.bgNummer).toBe(n.bgNummer);
  });

  it('lists BWZ by end range and follows changes (shortened, extended, new, dissolved)', () => {
    const liste = store.listeBewilligungszeitraeume('2026-04-01', '2026-06-30');
    expect(liste.length).toBeGreaterThan(10);
    for (const e of liste) expect(e.bwz.ende >= '2026-04-01' && e.bwz.ende <= '2026-06-30').toBe(true);
    expect(liste.map((e) => e.bwz.ende)).toEqual([...liste.map((e) => e.bwz.ende)].sort());
    const alle = klein.haushalte.flatMap((h) => h.bewilligungszeitraeume.filter((b) => b.ende >= '2026-04-01' && b.ende <= '2026-06-30'));
    expect(liste).toHaveLength(alle.length);

    const e = liste[0]!;
    store.aendereBwz(e.bgNummer, e.bwz.id, '2026-03-31');
    expect(store.listeBewilligungszeitraeume('2026-03-31', '2026-03-31')).toContainEqual(expect.objectContaining({ bgNummer: e.bgNummer, bwz: expect.objectContaining({ id: e.bwz.id }) }));
    const neu = store.bewillige(e.bgNummer, '2026-04-01', 'vorlaeufig');
    expect(neu.ende).toBe('2026-09-30');
    expect(tageZwischen(neu.beginn, neu.ende)).toBe(182);
    store.loeseAuf(e.bgNummer, '2026-05-31');
    expect(store.listeBewilligungszeitraeume('2026-05-31', '2026-05-31')).toContainEqual(expect.objectContaining({ bgNummer: e.bgNummer, aufgeloest: true }));
  });

  it('saves and loads a snapshot atomically; a missing or broken file gives null', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fv-store-'));
    try {
      const file = path.join(dir, 'db.json');
      expect(FachverfahrenStore.ausDatei(file)).toBeNull();
      const h = familie();
      store.herkunft = { seed: 7, haushalte: 300 };
      const wv = store.erstelleWiedervorlage({ referenz: 'r', bgNummer: h.bgNummer, betreff: 'x', faelligAm: '2026-04-01', prioritaet: 'normal' });
      const n = store.legeNeuantragAn({ referenz: 'n', antragsteller: { vorname: 'A', nachname: 'B', geburtsdatum: '1990-01-01' }, anschrift: { strasse: 'S', hausnummer: '1', plz: '37073', ort: 'Göttingen' }, antragsdatum: '2026-03-01' });
      store.speichern(file);
      expect(fs.readdirSync(dir)).toEqual(['db.json']);
      const geladen = FachverfahrenStore.ausDatei(file)!;
      expect(geladen.herkunft).toEqual({ seed: 7, haushalte: 300 });
      expect(geladen.findeHaushalt({ bgNummer: n.bgNummer })).toEqual(store.findeHaushalt({ bgNummer: n.bgNummer }));
      expect(geladen.erstelleWiedervorlage({ referenz: 'r', bgNummer: h.bgNummer, betreff: 'x', faelligAm: '2026-04-01', prioritaet: 'normal' })).toEqual({ wiedervorlageId: wv.wiedervorlageId, neu: false });
      const n2 = geladen.legeNeuantragAn({ referenz: 'n2', antragsteller: { vorname: 'C', nachname: 'D', geburtsdatum: '1990-01-01' }, anschrift: { strasse: 'S', hausnummer: '1', plz: '37073', ort: 'Göttingen' }, antragsdatum: '2026-03-01' });
      expect(n2.bgNummer).not.toBe(n.bgNummer);
      expect(n2.kundennummer).not.toBe(n.kundennummer);

      fs.writeFileSync(file, '{"format": kaputt');
      expect(FachverfahrenStore.ausDatei(file)).toBeNull();
      expect(fs.existsSync(`${file}.defekt`)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
