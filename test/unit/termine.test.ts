/**
 * Capacity and booking rules of the Online-Terminvergabe (domain/termine.ts): slots from opening
 * hours, consecutive units of a Neuantrag, holidays of the Land, closing days, DST days, the
 * horizon and the checks of what a citizen types.
 */
import { DateTime } from 'luxon';
import {
  STANDARD_KAPAZITAET, buchbareTage, geschlossen, lokalZeitpunkt, parseKapazitaet, pruefePerson, pruefeSlot, startzeitenDesTages,
  type Kapazitaet, type Standort,
} from '../../domain/termine';
import { TerminSchluessel, loesePow, pruefePow } from '../../activities/termine/schluessel';
import { Pseudonymizer } from '../../platform/pseudonym';

const haupt = STANDARD_KAPAZITAET.standorte[0] as Standort;
const ms = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toMillis();

function standort(o: Partial<Standort> = {}): Standort {
  return { ...haupt, oeffnungszeiten: { '1': [{ von: '08:00', bis: '12:00' }], '7': [{ von: '01:00', bis: '04:00' }] }, ...o };
}

describe('Slots eines Tages', () => {
  test('Montag 08–12 Uhr, 30-Minuten-Raster, Neuantrag = 2 Einheiten: 7 Startzeiten, letzte um 11:00', () => {
    const s = startzeitenDesTages(standort(), '2026-05-11', 2);
    expect(s.map((x) => x.uhrzeit)).toEqual(['08:00', '08:30', '09:00', '09:30', '10:00', '10:30', '11:00']);
    expect(s[0]?.einheiten).toEqual(['08:00', '08:30']);
    expect(s[0]?.beginnMs).toBe(ms('2026-05-11T08:00'));
    expect((s[0]?.endeMs ?? 0) - (s[0]?.beginnMs ?? 0)).toBe(60 * 60_000);
  });

  test('Zwei Öffnungsblöcke am Donnerstag: kein Termin überspannt die Mittagspause', () => {
    const s = startzeitenDesTages(haupt, '2026-05-21', 2).map((x) => x.uhrzeit);
    expect(s).toContain('11:00');
    expect(s).not.toContain('11:30');
    expect(s).toContain('14:00');
    expect(s).toContain('16:30');
    expect(s).not.toContain('17:00');
  });

  test('Feiertag des Landes (Pfingstmontag 2026 in NI), Schließtag und Tag ohne Öffnungszeit: keine Slots', () => {
    expect(geschlossen(haupt, '2026-05-25')).toBe('feiertag');
    expect(startzeitenDesTages(haupt, '2026-05-25', 2)).toEqual([]);
    expect(geschlossen(standort({ schliesstage: ['2026-05-11'] }), '2026-05-11')).toBe('schliesstag');
    expect(geschlossen(haupt, '2026-05-16')).toBe('keine_oeffnungszeit');
    // Reformationstag is a holiday in NI, not in BW
    expect(geschlossen({ ...haupt, land: 'NI' }, '2026-10-30')).toBeNull();
    expect(geschlossen({ ...haupt, oeffnungszeiten: { '6': [{ von: '08:00', bis: '12:00' }] }, land: 'NI' }, '2026-10-31')).toBe('feiertag');
    expect(geschlossen({ ...haupt, oeffnungszeiten: { '6': [{ von: '08:00', bis: '12:00' }] }, land: 'BW' }, '2026-10-31')).toBeNull();
  });

  test('Sommerzeitbeginn (29.03.2026): 02:00–02:59 gibt es nicht und wird nie angeboten; Dauer in echter Zeit', () => {
    const s = startzeitenDesTages(standort(), '2026-03-29', 2);
    // 01:30 MEZ + 30 min = 03:00 MESZ: the units are consecutive in real time
    expect(s.map((x) => x.uhrzeit)).toEqual(['01:00', '01:30', '03:00']);
    for (const x of s) expect(x.endeMs - x.beginnMs).toBe(3_600_000);
    expect(s.flatMap((x) => x.einheiten).some((e) => e.startsWith('02:'))).toBe(false);
    expect(new Date(s[2]!.beginnMs).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(s[0]!.beginnMs).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(lokalZeitpunkt('2026-03-29', '02:30')).toBeNull();
  });

  test('Sommerzeitende (25.10.2026): 02:00 gibt es zweimal; Dauer bleibt echte 60 Minuten', () => {
    const s = startzeitenDesTages(standort(), '2026-10-25', 2);
    expect(s.map((x) => x.uhrzeit)).toEqual(['01:00', '02:00', '02:30', '03:00']);
    for (const x of s) expect(x.endeMs - x.beginnMs).toBe(3_600_000);
    // 01:30 → 02:00 on this day is 1.5 hours apart in real time (02:00 CEST is skipped → first 02:00 is CEST)
    const eins = s.find((x) => x.uhrzeit === '01:00')!;
    expect(new Date(eins.beginnMs).toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(new Date(lokalZeitpunkt('2026-10-26', '09:00')!).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });
});

describe('Buchbarkeit', () => {
  const jetzt = ms('2026-05-11T09:10');
  const kap: Kapazitaet = STANDARD_KAPAZITAET;

  test('Termin in der Vergangenheit oder innerhalb des Mindestvorlaufs wird abgelehnt', () => {
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-05-11', '09:00', jetzt)).toEqual({ ok: false, fehler: 'VERGANGEN' });
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-05-11', '10:00', jetzt)).toEqual({ ok: false, fehler: 'VERGANGEN' });
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-05-08', '10:00', jetzt)).toEqual({ ok: false, fehler: 'VERGANGEN' });
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-05-11', '10:30', jetzt).ok).toBe(true);
  });

  test('geschlossener Tag, unbekannter Standort, Uhrzeit außerhalb des Rasters, zu weit im Voraus', () => {
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-05-16', '09:00', jetzt)).toEqual({ ok: false, fehler: 'GESCHLOSSEN' });
    expect(pruefeSlot(kap, 'jc-nord', '2026-05-13', '09:00', jetzt)).toEqual({ ok: false, fehler: 'GESCHLOSSEN' });
    expect(pruefeSlot(kap, 'kfz', '2026-05-12', '09:00', jetzt)).toEqual({ ok: false, fehler: 'STANDORT_UNBEKANNT' });
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-05-12', '09:15', jetzt)).toEqual({ ok: false, fehler: 'UHRZEIT_UNGUELTIG' });
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-05-12', '11:30', jetzt)).toEqual({ ok: false, fehler: 'UHRZEIT_UNGUELTIG' });
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-13-45', '09:00', jetzt)).toEqual({ ok: false, fehler: 'TAG_UNGUELTIG' });
    expect(pruefeSlot(kap, 'jc-hauptstelle', '2026-07-15', '09:00', jetzt)).toEqual({ ok: false, fehler: 'ZU_WEIT' });
  });

  test('buchbare Tage: ohne Wochenende und Feiertage, heute nur solange noch ein Termin passt', () => {
    const tage = buchbareTage(kap, 'jc-hauptstelle', jetzt);
    expect(tage[0]).toBe('2026-05-11');
    expect(tage).not.toContain('2026-05-16');
    expect(tage).not.toContain('2026-05-25');
    expect(tage).not.toContain('2026-05-14'); // Christi Himmelfahrt
    expect(tage).toContain('2026-05-21');
  });

  test('Kapazitätsdatei wird geprüft (doppelte Kennung, Zeiten, Personal)', () => {
    expect(parseKapazitaet(STANDARD_KAPAZITAET).ok).toBe(true);
    const doppelt = { ...STANDARD_KAPAZITAET, standorte: [haupt, haupt] };
    expect(parseKapazitaet(doppelt)).toEqual({ ok: false, fehler: [expect.stringContaining('doppelt')] });
    const falsch = { ...STANDARD_KAPAZITAET, standorte: [{ ...haupt, oeffnungszeiten: { '1': [{ von: '12:00', bis: '08:00' }] } }] };
    expect(parseKapazitaet(falsch).ok).toBe(false);
  });
});

describe('Eingaben der Bürgerinnen und Bürger', () => {
  const basis = { name: 'Anna-Lena Öztürk', email: 'anna@example.org', einwilligung: 'ja' };

  test('gültige Angaben werden normalisiert (BG-Nummer, Leerzeichen)', () => {
    const r = pruefePerson({ ...basis, name: '  Anna-Lena   Öztürk ', bgNummer: 'BG-Nr. 96201 BG 0012345' });
    expect(r).toEqual({ ok: true, person: { name: 'Anna-Lena Öztürk', email: 'anna@example.org', bgNummer: '96201BG0012345' } });
  });

  test('Skript im Namen, überlanger Name, falsche E-Mail: je eine verständliche Meldung am Feld', () => {
    const skript = pruefePerson({ ...basis, name: '<script>alert(1)</script>' });
    expect(skript.ok).toBe(false);
    if (!skript.ok) expect(skript.fehler.name).toMatch(/nur Buchstaben/);
    const lang = pruefePerson({ ...basis, name: 'A'.repeat(101) });
    if (lang.ok) throw new Error('accepted');
    expect(lang.fehler.name).toMatch(/zu lang/);
    const mail = pruefePerson({ ...basis, email: 'keine-mail' });
    if (mail.ok) throw new Error('accepted');
    expect(mail.fehler.email).toMatch(/gültige E-Mail/);
  });

  test('ohne E-Mail ist die Anschrift Pflicht (Brief); Einwilligung ist Pflicht', () => {
    const r = pruefePerson({ name: 'Max Muster' });
    if (r.ok) throw new Error('accepted');
    expect(Object.keys(r.fehler).sort()).toEqual(['einwilligung', 'ort', 'plz', 'strasse']);
    const brief = pruefePerson({ name: 'Max Muster', strasse: 'Am Markt 1', plz: '37073', ort: 'Göttingen', einwilligung: 'ja' });
    expect(brief).toEqual({ ok: true, person: { name: 'Max Muster', anschrift: { strasse: 'Am Markt 1', plz: '37073', ort: 'Göttingen' } } });
  });
});

describe('Schlüssel im Link und Arbeitsnachweis', () => {
  const s = new TerminSchluessel(new Pseudonymizer(Buffer.alloc(32, 9)));
  const id = 'termin-0123456789abcdef01234567';

  test('Auth-Schlüssel: 10 Zeichen, stabil, falscher oder geratener Schlüssel wird abgelehnt', () => {
    const k = s.authKey(id);
    expect(k).toMatch(/^[a-z2-9]{10}$/);
    expect(s.pruefe(id, k)).toBe(true);
    expect(s.pruefe(id, k.toUpperCase())).toBe(true);
    expect(s.pruefe(id, `${k}x`)).toBe(false);
    expect(s.pruefe(id, k.slice(0, 9))).toBe(false);
    expect(s.pruefe(id, 'aaaaaaaaaa')).toBe(false);
    expect(s.pruefe('termin-../../etc', k)).toBe(false);
    expect(s.pruefe(id, undefined)).toBe(false);
    expect(s.authKey('termin-0123456789abcdef01234568')).not.toBe(k);
  });

  test('Proof-of-Work: Lösung wird geprüft, Unsinn abgelehnt', () => {
    const c = s.powChallenge(id);
    const n = loesePow(c, 10);
    expect(pruefePow(c, n, 10)).toBe(true);
    expect(pruefePow(c, 'abc', 10)).toBe(false);
    expect(pruefePow(c, n, 24)).toBe(false);
  });
});
