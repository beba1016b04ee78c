/**
 * Contract of the Fachverfahren port: every adapter (file interface, web robot) passes the
 * same suite against its simulator. `store` is the simulator's database, used to pick test
 * data and to check effects (and to make changes "as the Sachbearbeitung would").
 * Keep the Landkreis small (about 200 households) and simulator delays near zero.
 */
import { randomBytes } from 'node:crypto';
import type { Fachverfahren, Haushalt } from '../../connectors/fachverfahren/port';
import type { FachverfahrenStore } from '../../connectors/fachverfahren/landkreis/store';
import { monatsanfang, monatsende } from '../../connectors/fachverfahren/landkreis/tage';
import { BG_NUMMER, KUNDENNUMMER } from '../../domain/identifiers';

export interface FachverfahrenContractSetup {
  fv: Fachverfahren;
  store: FachverfahrenStore;
  teardown(): Promise<void>;
}

async function alle<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Waits until `probe` passes (changes made inside the system reach some adapters with a delay). */
async function schliesslich(probe: () => Promise<void>, timeoutMs = 15000): Promise<void> {
  const frist = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (err) {
      if (Date.now() > frist) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const mitLeerzeichen = (bg: string) => bg.replace(/^(\d{5})BG(\d{3})(\d{4})$/, '$1 BG $2 $3');

export function fachverfahrenContract(name: string, setup: () => Promise<FachverfahrenContractSetup>): void {
  describe(`Fachverfahren-Vertrag: ${name}`, () => {
    let fv: Fachverfahren;
    let store: FachverfahrenStore;
    let teardown: () => Promise<void>;
    let haushalte: Haushalt[];
    const ref = (was: string) => `vertrag-${was}-${randomBytes(4).toString('hex')}`;
    const unbekannteBg = () => {
      for (let n = 9999999; ; n--) {
        const bg = `${store.amtsKennung}BG${String(n).padStart(7, '0')}`;
        if (!store.findeHaushalt({ bgNummer: bg })) return bg;
      }
    };
    /** Households not touched by a test that changes data. */
    const aktiv = () => haushalte.filter((h) => !h.aufgeloest && h.bewilligungszeitraeume.length > 0);

    beforeAll(async () => {
      ({ fv, store, teardown } = await setup());
      haushalte = store.alleHaushalte();
    });
    afterAll(async () => {
      await teardown?.();
    });

    it('finds a household by BG-Nummer, also written with spaces', async () => {
      const h = aktiv().find((x) => x.personen.length >= 2)!;
      expect(await fv.findeHaushalt({ bgNummer: h.bgNummer })).toEqual(h);
      expect(await fv.findeHaushalt({ bgNummer: mitLeerzeichen(h.bgNummer) })).toEqual(h);
    });

    it('finds a household by the Kundennummer of any member, also written with spaces', async () => {
      const h = aktiv().find((x) => x.personen.length >= 3)!;
      const k = h.personen[2]!.kundennummer;
      expect((await fv.findeHaushalt({ kundennummer: k }))?.bgNummer).toBe(h.bgNummer);
      const geschrieben = `${k.slice(0, 3)} ${k.slice(3, 4).toLowerCase()} ${k.slice(4, 7)} ${k.slice(7)}`;
      expect((await fv.findeHaushalt({ kundennummer: geschrieben }))?.bgNummer).toBe(h.bgNummer);
    });

    it('answers null for unknown households', async () => {
      expect(await fv.findeHaushalt({ bgNummer: unbekannteBg() })).toBeNull();
      expect(await fv.findeHaushalt({ kundennummer: `${store.amtsKennung.slice(0, 3)}Q999998` })).toBeNull();
      expect(await fv.findeHaushalt({ bgNummer: 'keine Nummer' })).toBeNull();
    });

    it('proposes the right household first by name and date of birth, despite a typo', async () => {
      const h = aktiv().find((x) => x.personen.length >= 2 && x.personen[1]!.nachname.length >= 5)!;
      const p = h.personen[1]!;
      const vertauscht = p.nachname.slice(0, 2) + p.nachname[3] + p.nachname[2] + p.nachname.slice(4);
      const v = await fv.schlageHaushalteVor({ nachname: vertauscht, vorname: p.vorname, geburtsdatum: p.geburtsdatum });
      expect(v[0]?.bgNummer).toBe(h.bgNummer);
      expect(v[0]!.treffer).toContain('geburtsdatum');
      for (const x of v) {
        expect(x.score).toBeGreaterThan(0);
        expect(x.score).toBeLessThanOrEqual(1);
      }
      const exakt = await fv.schlageHaushalteVor({ nachname: p.nachname, vorname: p.vorname, geburtsdatum: p.geburtsdatum, plz: h.anschrift.plz, strasse: h.anschrift.strasse });
      expect(exakt[0]).toMatchObject({ bgNummer: h.bgNummer, treffer: expect.arrayContaining(['geburtsdatum', 'nachname', 'vorname', 'plz', 'strasse']) });
      expect(exakt[0]!.score).toBeGreaterThan(v[0]!.score);
    });

    it('proposes by umlaut spellings (ä as ae, ß as ss, any case)', async () => {
      const h = aktiv().find((x) => /[äöüß]/.test(x.personen[0]!.nachname));
      expect(h).toBeDefined();
      const p = h!.personen[0]!;
      const umschrieben = p.nachname.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').toUpperCase();
      const v = await fv.schlageHaushalteVor({ nachname: umschrieben, vorname: p.vorname.toLowerCase(), geburtsdatum: p.geburtsdatum, plz: h!.anschrift.plz });
      expect(v[0]).toMatchObject({ bgNummer: h!.bgNummer, treffer: expect.arrayContaining(['nachname', 'vorname', 'geburtsdatum', 'plz']) });
      expect(await fv.schlageHaushalteVor({ nachname: umschrieben, geburtsdatum: '1901-01-01' })).toEqual([]);
    });

    it('creates a Wiedervorlage once, even when sent twice with the same referenz', async () => {
      const h = aktiv()[3]!;
      const auftrag = { referenz: ref('wv'), bgNummer: h.bgNummer, betreff: 'Weiterbewilligungsantrag prüfen – Unterlagen fehlen', faelligAm: '2026-05-04', prioritaet: 'hoch' as const };
      const [a, b] = await Promise.all([fv.erstelleWiedervorlage(auftrag), fv.erstelleWiedervorlage(auftrag)]);
      const c = await fv.erstelleWiedervorlage(auftrag);
      expect(a.wiedervorlageId).toBeTruthy();
      expect(b.wiedervorlageId).toBe(a.wiedervorlageId);
      expect(c.wiedervorlageId).toBe(a.wiedervorlageId);
      const gespeichert = store.wiedervorlagen(h.bgNummer).filter((w) => w.referenz === auftrag.referenz);
      expect(gespeichert).toEqual([expect.objectContaining({ ...auftrag, teamId: h.team.id, wiedervorlageId: a.wiedervorlageId })]);
    });

    it('sends a Wiedervorlage to another team when asked', async () => {
      const h = aktiv()[4]!;
      const team = store.teamListe().find((t) => t.bereich === 'markt-integration')!;
      const auftrag = { referenz: ref('wv-team'), bgNummer: h.bgNummer, betreff: 'Eingliederung besprechen', faelligAm: '2026-06-01', prioritaet: 'normal' as const, teamId: team.id };
      const r = await fv.erstelleWiedervorlage(auftrag);
      expect(store.wiedervorlagen(h.bgNummer).find((w) => w.wiedervorlageId === r.wiedervorlageId)).toMatchObject({ teamId: team.id, prioritaet: 'normal' });
    });

    it('rejects a Wiedervorlage for an unknown household with BusinessError HAUSHALT_NICHT_GEFUNDEN', async () => {
      const bg = unbekannteBg();
      const vorher = store.wiedervorlagen().length;
      await expect(fv.erstelleWiedervorlage({ referenz: ref('wv-unbekannt'), bgNummer: bg, betreff: 'Test', faelligAm: '2026-05-04', prioritaet: 'normal' })).rejects.toMatchObject({
        name: 'BusinessError',
        code: 'HAUSHALT_NICHT_GEFUNDEN',
      });
      expect(store.wiedervorlagen()).toHaveLength(vorher);
    });

    it('records a received application with its date, once per referenz', async () => {
      const h = aktiv()[5]!;
      const auftrag = { referenz: ref('eingang'), bgNummer: mitLeerzeichen(h.bgNummer), art: 'WBA' as const, eingangsdatum: '2026-03-02' };
      const a = await fv.erfasseAntragseingang(auftrag);
      const b = await fv.erfasseAntragseingang(auftrag);
      expect(b.eingangId).toBe(a.eingangId);
      expect(store.eingaenge(h.bgNummer).filter((e) => e.referenz === auftrag.referenz)).toEqual([
        expect.objectContaining({ bgNummer: h.bgNummer, art: 'WBA', eingangsdatum: '2026-03-02', eingangId: a.eingangId }),
      ]);
      await expect(fv.erfasseAntragseingang({ ...auftrag, referenz: ref('eingang-unbekannt'), bgNummer: unbekannteBg() })).rejects.toMatchObject({ name: 'BusinessError', code: 'HAUSHALT_NICHT_GEFUNDEN' });
    });

    it('creates a Neuantrag whose household is findable afterwards, once per referenz', async () => {
      const auftrag = {
        referenz: ref('neuantrag'),
        antragsteller: { vorname: 'Jürgen', nachname: 'Weißmüller', geburtsdatum: '1979-11-23' },
        anschrift: { strasse: 'Groner Landstraße', hausnummer: '9a', plz: '37081', ort: 'Göttingen' },
        antragsdatum: '2026-03-09',
      };
      const a = await fv.legeNeuantragAn(auftrag);
      expect(a.bgNummer).toMatch(BG_NUMMER);
      expect(a.kundennummer).toMatch(KUNDENNUMMER);
      expect(await fv.legeNeuantragAn(auftrag)).toEqual(a);
      const h = await fv.findeHaushalt({ bgNummer: a.bgNummer });
      expect(h).toMatchObject({
        bgNummer: a.bgNummer,
        aufgeloest: false,
        anschrift: auftrag.anschrift,
        personen: [{ kundennummer: a.kundennummer, vorname: 'Jürgen', nachname: 'Weißmüller', geburtsdatum: '1979-11-23', rolle: 'antragsteller' }],
      });
      expect(h!.team.bereich).toBe('leistung');
      expect((await fv.findeHaushalt({ kundennummer: a.kundennummer }))?.bgNummer).toBe(a.bgNummer);
      expect((await fv.schlageHaushalteVor({ nachname: 'Weissmueller', geburtsdatum: '1979-11-23' }))[0]?.bgNummer).toBe(a.bgNummer);
    });

    it('lists the Bewilligungszeiträume ending in a range, as the system has them', async () => {
      const von = monatsanfang(store.stichtag, 1);
      const bis = monatsende(store.stichtag, 2);
      const key = (e: { bgNummer: string; bwz: { id: string } }) => `${e.bgNummer}/${e.bwz.id}`;
      const erwartet = store.listeBewilligungszeitraeume(von, bis).sort((a, b) => key(a).localeCompare(key(b)));
      expect(erwartet.length).toBeGreaterThan(0);
      const ist = (await alle(fv.listeBewilligungszeitraeume(von, bis))).sort((a, b) => key(a).localeCompare(key(b)));
      expect(ist).toEqual(erwartet);
      for (const e of ist) expect(e.bwz.ende >= von && e.bwz.ende <= bis).toBe(true);
      expect(await alle(fv.listeBewilligungszeitraeume('2099-01-01', '2099-12-31'))).toEqual([]);
    });

    it('reflects changes made in the system: a shortened BWZ and a dissolved household', async () => {
      const [h1, h2] = aktiv().slice(-2) as [Haushalt, Haushalt];
      const bwz = h1.bewilligungszeitraeume.at(-1)!;
      const neuesEnde = monatsende(bwz.beginn, 2);
      store.aendereBwz(h1.bgNummer, bwz.id, neuesEnde);
      store.loeseAuf(h2.bgNummer);
      await schliesslich(async () => {
        const liste = await alle(fv.listeBewilligungszeitraeume(neuesEnde, neuesEnde));
        expect(liste).toContainEqual({ bgNummer: h1.bgNummer, teamId: h1.team.id, aufgeloest: false, bwz: { ...bwz, ende: neuesEnde } });
        expect((await fv.findeHaushalt({ bgNummer: h2.bgNummer }))?.aufgeloest).toBe(true);
      });
    });

    it('reports its health', async () => {
      const c = await fv.health();
      expect(c).toMatchObject({ ok: true });
      expect(c.detail.length).toBeGreaterThan(0);
    });
  });
}
