/** The Takt language of the schedules, the backfill checks and the catalogue. */
import {
  MAX_NACHHOL_LAEUFE, ZEITPLAN_KATALOG, formatTakt, geschaetzteLaeufe, katalogEintrag, katalogNachWorkflow, parseBerlinZeit, parseTakt, pruefeNachholzeitraum,
} from '../../domain/zeitplaene';
import type { CalendarSpecDescription } from '@temporalio/client';
import { taktAusSpec, taktZuSpec } from '../../platform/schedules';

test('valid Takte parse to calendars or intervals and format back canonically', () => {
  expect(parseTakt('täglich 05:30')).toEqual({ art: 'kalender', tage: undefined, zeiten: [{ stunde: 5, minute: 30 }] });
  expect(parseTakt('Mo-Fr 14:00')).toEqual({ art: 'kalender', tage: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'], zeiten: [{ stunde: 14, minute: 0 }] });
  expect(parseTakt('  mo,mi,FR   13:00,8:05 ')).toEqual({ art: 'kalender', tage: ['MONDAY', 'WEDNESDAY', 'FRIDAY'], zeiten: [{ stunde: 8, minute: 5 }, { stunde: 13, minute: 0 }] });
  expect(parseTakt('alle 5 Minuten')).toEqual({ art: 'intervall', minuten: 5 });
  expect(parseTakt('alle 2 Stunden')).toEqual({ art: 'intervall', minuten: 120 });
  for (const t of ['täglich 05:30', 'Mo-Fr 14:00', 'Mo,Mi,Fr 08:05,13:00', 'So 04:00', 'Mo-Mi,Fr 07:00', 'alle 5 Minuten', 'alle 2 Stunden', 'Sa,So 10:00']) {
    expect(formatTakt(parseTakt(t))).toBe(t);
  }
  expect(formatTakt(parseTakt('Mo-So 06:00'))).toBe('täglich 06:00');
});

test('times between 02:00 and 03:00 are refused with the DST reason', () => {
  for (const t of ['täglich 02:00', 'Mo-Fr 02:59', 'So 04:00,02:30']) {
    expect(() => parseTakt(t)).toThrow(/zwischen 02:00 und 03:00 Uhr.*Sommerzeit/);
  }
  expect(() => parseTakt('täglich 03:00')).not.toThrow();
  expect(() => parseTakt('täglich 01:59')).not.toThrow();
});

test('malformed Takte are refused with a clear German message', () => {
  expect(() => parseTakt('0 5 * * *')).toThrow(/nicht verständlich.*täglich 05:30/);
  expect(() => parseTakt('')).toThrow(/nicht verständlich/);
  expect(() => parseTakt('täglich 24:00')).toThrow(/keine gültige Uhrzeit/);
  expect(() => parseTakt('täglich 12:60')).toThrow(/keine gültige Uhrzeit/);
  expect(() => parseTakt('Xy 12:00')).toThrow(/Unbekannter Wochentag/);
  expect(() => parseTakt('Fr-Mo 12:00')).toThrow(/rückwärts/);
  expect(() => parseTakt('alle 0 Minuten')).toThrow(/außerhalb/);
  expect(() => parseTakt('alle 25 Stunden')).toThrow(/außerhalb/);
  expect(() => parseTakt('x'.repeat(500))).toThrow(/nicht verständlich/);
});

test('Takt → Temporal spec in Europe/Berlin, and back from a described spec', () => {
  expect(taktZuSpec(parseTakt('Mo-Fr 14:00'))).toEqual({ calendars: [{ hour: 14, minute: 0, dayOfWeek: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] }], timezone: 'Europe/Berlin' });
  expect(taktZuSpec(parseTakt('alle 5 Minuten'))).toEqual({ intervals: [{ every: '5 minutes' }] });
  const r = (n: number) => [{ start: n, end: n, step: 1 }];
  const cal = (hour: number, minute: number, dayOfWeek: { start: string; end: string; step: number }[]) => ({ second: r(0), minute: r(minute), hour: r(hour), dayOfMonth: [], month: [], year: [], dayOfWeek }) as unknown as CalendarSpecDescription;
  expect(taktAusSpec({ calendars: [cal(14, 0, [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }])] })).toBe('Mo-Fr 14:00');
  expect(taktAusSpec({ calendars: [cal(5, 30, [])] })).toBe('täglich 05:30');
  expect(taktAusSpec({ intervals: [{ every: 300_000, offset: 0 }] })).toBe('alle 5 Minuten');
  expect(taktAusSpec({ calendars: [{ ...cal(5, 0, []), hour: [{ start: 1, end: 5, step: 1 }] }] })).toBeUndefined();
});

test('backfill periods: refused when inverted, empty, in the future or longer than 31 days', () => {
  const jetzt = new Date('2026-11-26T12:00:00Z');
  const d = (s: string) => new Date(s);
  expect(pruefeNachholzeitraum(d('2026-11-20T00:00:00Z'), d('2026-11-21T00:00:00Z'), jetzt)).toBeUndefined();
  expect(pruefeNachholzeitraum(d('2026-11-21T00:00:00Z'), d('2026-11-20T00:00:00Z'), jetzt)).toMatch(/rückwärts/);
  expect(pruefeNachholzeitraum(d('2026-11-21T00:00:00Z'), d('2026-11-21T00:00:00Z'), jetzt)).toMatch(/leer/);
  expect(pruefeNachholzeitraum(d('2026-11-25T00:00:00Z'), d('2026-11-27T00:00:00Z'), jetzt)).toMatch(/Zukunft/);
  expect(pruefeNachholzeitraum(d('2023-01-01T00:00:00Z'), d('2026-11-01T00:00:00Z'), jetzt)).toMatch(/höchstens 31 Tage/);
  expect(pruefeNachholzeitraum(d('x'), d('2026-11-01T00:00:00Z'), jetzt)).toMatch(/ungültig/);
  expect(geschaetzteLaeufe(parseTakt('alle 5 Minuten'), d('2026-11-20T00:00:00Z'), d('2026-11-21T00:00:00Z'))).toBeGreaterThan(MAX_NACHHOL_LAEUFE);
  expect(geschaetzteLaeufe(parseTakt('täglich 05:30'), d('2026-11-01T00:00:00Z'), d('2026-11-26T00:00:00Z'))).toBe(26);
});

test('Berlin times: a day means its start in German time', () => {
  expect(parseBerlinZeit('2026-07-01')!.toISOString()).toBe('2026-06-30T22:00:00.000Z');
  expect(parseBerlinZeit('2026-12-01T14:00')!.toISOString()).toBe('2026-12-01T13:00:00.000Z');
  expect(parseBerlinZeit('01.12.2026, 14:00')!.toISOString()).toBe('2026-12-01T13:00:00.000Z'); // as staff type it
  expect(parseBerlinZeit('1.7.2026')!.toISOString()).toBe('2026-06-30T22:00:00.000Z');
  expect(parseBerlinZeit('31.02.2026 10:00')).toBeUndefined();
  expect(parseBerlinZeit('2026-02-30')).toBeUndefined();
  expect(parseBerlinZeit('gestern')).toBeUndefined();
});

test('the catalogue: unique ids and workflow types, valid default Takte, lookup by id or workflow', () => {
  expect(new Set(ZEITPLAN_KATALOG.map((e) => e.id)).size).toBe(ZEITPLAN_KATALOG.length);
  expect(new Set(ZEITPLAN_KATALOG.map((e) => e.workflowType)).size).toBe(ZEITPLAN_KATALOG.length);
  for (const e of ZEITPLAN_KATALOG) expect(formatTakt(parseTakt(e.standardTakt))).toBe(e.standardTakt);
  expect(ZEITPLAN_KATALOG.map((e) => e.workflowType)).toEqual(expect.arrayContaining(['weiterbewilligungSync', 'zentraldruckAnnahmeschluss', 'klassifikatorTraining', 'aufbewahrung', 'betriebsbericht']));
  expect(katalogEintrag('aufbewahrung-taeglich')?.workflowType).toBe('aufbewahrung');
  expect(katalogNachWorkflow('betriebsbericht')?.id).toBe('betriebsbericht-taeglich');
  expect(katalogNachWorkflow('rmRf')).toBeUndefined();
});
