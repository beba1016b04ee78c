/**
 * In-memory index of households: O(1) lookup by BG-Nummer and Kundennummer, a blocking
 * index by date of birth for proposals, and a sorted list of BWZ ends for range queries.
 * Shared by the simulated Fachverfahren (its database) and by adapters that answer from
 * an export (OPEN/PROSOZ file interface).
 */
import type { Bewilligungszeitraum, Haushalt, HaushaltsVorschlag, VorschlagsSuche } from '../port';
import { namensAehnlichkeit, normalisiereName, normalisiereStrasse } from './namen';

export interface BwzEintrag {
  bgNummer: string;
  teamId: string;
  aufgeloest: boolean;
  bwz: Bewilligungszeitraum;
}

interface BwzSortEintrag {
  ende: string;
  bgNummer: string;
  bwz: Bewilligungszeitraum;
}

interface PersonRef {
  bgNummer: string;
  nachname: string;
  vorname: string;
}

/** Weights of the proposal score; they add up to 1 when every field matches. */
const GEWICHT = { geburtsdatum: 0.3, nachname: 0.35, vorname: 0.2, plz: 0.1, strasse: 0.05 } as const;
const MIN_SCORE = 0.5;
const MAX_VORSCHLAEGE = 5;

/** A deep copy of a household (hand-written: much faster than structuredClone at 30,000). */
export function klonHaushalt(h: Haushalt): Haushalt {
  return {
    bgNummer: h.bgNummer,
    personen: h.personen.map((p) => ({ kundennummer: p.kundennummer, vorname: p.vorname, nachname: p.nachname, geburtsdatum: p.geburtsdatum, rolle: p.rolle })),
    anschrift: { strasse: h.anschrift.strasse, hausnummer: h.anschrift.hausnummer, plz: h.anschrift.plz, ort: h.anschrift.ort },
    team: { id: h.team.id, name: h.team.name, bereich: h.team.bereich, standort: h.team.standort },
    bewilligungszeitraeume: h.bewilligungszeitraeume.map((b) => ({ id: b.id, beginn: b.beginn, ende: b.ende, art: b.art })),
    aufgeloest: h.aufgeloest,
  };
}

export class HaushaltsIndex {
  private readonly byBg = new Map<string, Haushalt>();
  private readonly bgByKunde = new Map<string, string>();
  /** geburtsdatum → kundennummer → person (normalised names). */
  private readonly byDob = new Map<string, Map<string, PersonRef>>();
  private bwzSortiert: BwzSortEintrag[] | null = null;

  get size(): number {
    return this.byBg.size;
  }

  /** Inserts or replaces a household (the object is kept, not copied). */
  setze(h: Haushalt): void {
    this.entferne(h.bgNummer);
    this.byBg.set(h.bgNummer, h);
    for (const p of h.personen) {
      this.bgByKunde.set(p.kundennummer, h.bgNummer);
      let m = this.byDob.get(p.geburtsdatum);
      if (!m) this.byDob.set(p.geburtsdatum, (m = new Map()));
      m.set(p.kundennummer, { bgNummer: h.bgNummer, nachname: normalisiereName(p.nachname), vorname: normalisiereName(p.vorname) });
    }
    this.bwzSortiert = null;
  }

  entferne(bgNummer: string): void {
    const old = this.byBg.get(bgNummer);
    if (!old) return;
    this.byBg.delete(bgNummer);
    for (const p of old.personen) {
      if (this.bgByKunde.get(p.kundennummer) === bgNummer) this.bgByKunde.delete(p.kundennummer);
      const m = this.byDob.get(p.geburtsdatum);
      if (m?.get(p.kundennummer)?.bgNummer === bgNummer) {
        m.delete(p.kundennummer);
        if (m.size === 0) this.byDob.delete(p.geburtsdatum);
      }
    }
    this.bwzSortiert = null;
  }

  /** The indexed object itself (callers that hand it out must copy it). */
  get(bgNummer: string): Haushalt | undefined {
    return this.byBg.get(bgNummer);
  }

  bgNummerVonKunde(kundennummer: string): string | undefined {
    return this.bgByKunde.get(kundennummer);
  }

  alle(): IterableIterator<Haushalt> {
    return this.byBg.values();
  }

  /** Proposals by name + exact date of birth (+ PLZ/street), best first, at most 5. */
  vorschlaege(suche: VorschlagsSuche): HaushaltsVorschlag[] {
    const kandidaten = this.byDob.get(suche.geburtsdatum);
    if (!kandidaten) return [];
    const nachname = normalisiereName(suche.nachname);
    const vorname = suche.vorname ? normalisiereName(suche.vorname) : '';
    const plz = suche.plz?.trim();
    const strasse = suche.strasse ? normalisiereStrasse(suche.strasse) : '';
    const best = new Map<string, HaushaltsVorschlag>();
    for (const p of kandidaten.values()) {
      const h = this.byBg.get(p.bgNummer);
      if (!h) continue;
      const nSim = namensAehnlichkeit(nachname, p.nachname);
      const vSim = vorname ? Math.max(namensAehnlichkeit(vorname, p.vorname), namensAehnlichkeit(vorname, p.vorname.split(/[\s-]/)[0] ?? '')) : 0;
      const plzTreffer = Boolean(plz) && plz === h.anschrift.plz;
      const strasseTreffer = Boolean(strasse) && namensAehnlichkeit(strasse, normalisiereStrasse(h.anschrift.strasse)) >= 0.9;
      // A different surname is plausible after marriage: then the given name and the address must carry it.
      if (nSim < 0.75 && !(vSim >= 0.9 && (plzTreffer || strasseTreffer))) continue;
      let score = GEWICHT.geburtsdatum + GEWICHT.nachname * nSim + GEWICHT.vorname * vSim;
      if (plzTreffer) score += GEWICHT.plz;
      if (strasseTreffer) score += GEWICHT.strasse;
      if (h.aufgeloest) score -= 0.05;
      score = Math.round(Math.max(0, Math.min(1, score)) * 1000) / 1000;
      if (score < MIN_SCORE) continue;
      const treffer = ['geburtsdatum'];
      if (nSim >= 0.9) treffer.push('nachname');
      if (vSim >= 0.9) treffer.push('vorname');
      if (plzTreffer) treffer.push('plz');
      if (strasseTreffer) treffer.push('strasse');
      const prev = best.get(h.bgNummer);
      if (!prev || prev.score < score) best.set(h.bgNummer, { bgNummer: h.bgNummer, score, treffer });
    }
    return [...best.values()]
      .sort((a, b) => b.score - a.score || (a.bgNummer < b.bgNummer ? -1 : 1))
      .slice(0, MAX_VORSCHLAEGE);
  }

  /** All BWZ ending in [von, bis], ordered by end, then BG-Nummer. */
  bwzEndendIn(von: string, bis: string): BwzEintrag[] {
    if (!this.bwzSortiert) {
      const list: BwzSortEintrag[] = [];
      for (const h of this.byBg.values()) for (const bwz of h.bewilligungszeitraeume) list.push({ ende: bwz.ende, bgNummer: h.bgNummer, bwz });
      list.sort((a, b) => (a.ende < b.ende ? -1 : a.ende > b.ende ? 1 : a.bgNummer < b.bgNummer ? -1 : a.bgNummer > b.bgNummer ? 1 : 0));
      this.bwzSortiert = list;
    }
    const list = this.bwzSortiert;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.ende < von) lo = mid + 1;
      else hi = mid;
    }
    const out: BwzEintrag[] = [];
    for (let i = lo; i < list.length && list[i]!.ende <= bis; i++) {
      const e = list[i]!;
      const h = this.byBg.get(e.bgNummer)!;
      out.push({ bgNummer: e.bgNummer, teamId: h.team.id, aufgeloest: h.aufgeloest, bwz: { id: e.bwz.id, beginn: e.bwz.beginn, ende: e.bwz.ende, art: e.bwz.art } });
    }
    return out;
  }
}
