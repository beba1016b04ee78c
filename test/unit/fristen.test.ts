/** Legal dates of a posted letter: worked examples of §37 Abs. 2 SGB X (2025) and §§64, 84 SGG. */
import {
  bekanntgabedatum, deutschesDatum, feiertageVon, istArbeitstag, KEINE_FEIERTAGE, naechsterArbeitstag,
  naechsterArbeitstagAbHeute, plusMonate, plusTage, widerspruchsfristEnde, wochentag,
} from '../../domain/fristen';

const ni = feiertageVon('NI');
const by = feiertageVon('BY');

describe('Bekanntgabe: 4th day after posting, never shifted', () => {
  test.each([
    ['2026-03-02', '2026-03-06', 'Monday → Friday'],
    ['2026-03-04', '2026-03-08', 'Wednesday → Sunday: stays on the Sunday'],
    ['2026-03-03', '2026-03-07', 'Tuesday → Saturday: stays on the Saturday'],
    ['2026-01-29', '2026-02-02', 'across a month end'],
    ['2026-02-26', '2026-03-02', 'February of a common year'],
    ['2028-02-26', '2028-03-01', 'February of a leap year (29 days)'],
    ['2026-12-29', '2027-01-02', 'across the year end'],
    ['2026-12-21', '2026-12-25', 'onto Christmas Day: no shift for holidays'],
  ])('posted %s → Bekanntgabe %s (%s)', (post, erwartet) => {
    expect(bekanntgabedatum(post)).toBe(erwartet);
  });
});

describe('Widerspruchsfrist: one month after Bekanntgabe, end shifted to the next working day', () => {
  test('plain case: same day number next month (a working day)', () => {
    // Bekanntgabe Fri 06.03.2026 → Mon 06.04.2026 is Ostermontag (NI) → Tue 07.04.2026
    expect(widerspruchsfristEnde('2026-03-06', ni)).toBe('2026-04-07');
    expect(widerspruchsfristEnde('2026-03-06', KEINE_FEIERTAGE)).toBe('2026-04-06');
  });
  test('month without that day: last day of the month', () => {
    expect(plusMonate('2026-01-31', 1)).toBe('2026-02-28');
    expect(plusMonate('2028-01-31', 1)).toBe('2028-02-29');
    // 28.02.2026 is a Saturday → Monday 02.03.2026
    expect(widerspruchsfristEnde('2026-01-31', ni)).toBe('2026-03-02');
  });
  test('end on a Sunday moves to Monday', () => {
    // Bekanntgabe Sun 08.03.2026 → 08.04.2026 Wednesday: no shift; Bekanntgabe 10.05.2026 → 10.06.2026 Wed
    expect(widerspruchsfristEnde('2026-03-08', ni)).toBe('2026-04-08');
    // Bekanntgabe 12.03.2026 → 12.04.2026 is a Sunday → Monday 13.04.2026
    expect(wochentag('2026-04-12')).toBe(0);
    expect(widerspruchsfristEnde('2026-03-12', ni)).toBe('2026-04-13');
  });
  test('across the year end, with Neujahr', () => {
    // Bekanntgabe 01.12.2026 → 01.01.2027 Neujahr (Friday) → Saturday, Sunday → Monday 04.01.2027
    expect(widerspruchsfristEnde('2026-12-01', ni)).toBe('2027-01-04');
    // Bekanntgabe 30.11.2026 → 30.12.2026 Wednesday
    expect(widerspruchsfristEnde('2026-11-30', ni)).toBe('2026-12-30');
  });
  test('holidays depend on the Land: Fronleichnam in Bayern, not in Niedersachsen', () => {
    // Fronleichnam 2026: Thursday 04.06.2026
    expect(widerspruchsfristEnde('2026-05-04', by)).toBe('2026-06-05');
    expect(widerspruchsfristEnde('2026-05-04', ni)).toBe('2026-06-04');
  });
  test('whole chain: posted Tuesday 29.12.2026', () => {
    const bg = bekanntgabedatum('2026-12-29');
    expect(bg).toBe('2027-01-02'); // a Saturday, not shifted
    expect(widerspruchsfristEnde(bg, ni)).toBe('2027-02-02'); // Tuesday
  });
});

describe('calendar helpers', () => {
  test('plusTage across month and year ends, and backwards', () => {
    expect(plusTage('2026-02-28', 1)).toBe('2026-03-01');
    expect(plusTage('2028-02-28', 1)).toBe('2028-02-29');
    expect(plusTage('2027-01-01', -1)).toBe('2026-12-31');
  });
  test('working days skip weekends and holidays of the Land', () => {
    expect(istArbeitstag('2026-10-31', ni)).toBe(false); // Reformationstag (NI), a Saturday anyway
    expect(istArbeitstag('2026-05-01', ni)).toBe(false); // Tag der Arbeit
    expect(naechsterArbeitstag('2026-12-23', ni)).toBe('2026-12-24'); // Heiligabend is no holiday
    expect(naechsterArbeitstag('2026-12-24', ni)).toBe('2026-12-28');
    expect(naechsterArbeitstagAbHeute('2026-04-03', ni)).toBe('2026-04-07'); // Karfreitag → Dienstag nach Ostern
  });
  test('invalid dates are refused', () => {
    expect(() => plusTage('2026-02-30', 1)).toThrow('Ungültiges Datum');
    expect(() => bekanntgabedatum('02.03.2026')).toThrow('Ungültiges Datum');
  });
  test('German date format', () => {
    expect(deutschesDatum('2026-03-02')).toBe('02.03.2026');
  });
});
