/** Which day's batch a letter joins, and the opaque ids the Zentraldruck derives. */
import { batchTag, eakteDokumentId, zentrumsKennung } from '../../activities/druck';
import { loadDruckConfig } from '../../activities/druck/config';

const ni = { annahmeschluss: '14:00', land: 'NI' as const };

test.each([
  ['2026-11-26T09:00:00Z', '2026-11-26', 'Thursday 10:00 Berlin: today'],
  ['2026-11-26T12:59:59Z', '2026-11-26', 'one second before the cut-off'],
  ['2026-11-26T13:00:00Z', '2026-11-27', 'at the cut-off: next working day'],
  ['2026-11-27T15:00:00Z', '2026-11-30', 'Friday afternoon: Monday'],
  ['2026-11-28T09:00:00Z', '2026-11-30', 'Saturday: Monday'],
  ['2026-12-24T14:00:00Z', '2026-12-28', 'Heiligabend 15:00: after Christmas and the weekend'],
  ['2026-12-31T22:30:00Z', '2027-01-04', 'New Year\'s night (01.01. is a holiday, then the weekend)'],
  ['2026-07-01T11:30:00Z', '2026-07-01', 'summer time: 13:30 Berlin is before the cut-off'],
  ['2026-07-01T12:00:00Z', '2026-07-02', 'summer time: 14:00 Berlin'],
])('%s → %s (%s)', (jetzt, erwartet) => {
  expect(batchTag(new Date(jetzt), ni)).toBe(erwartet);
});

test('a letter told "too late" joins no batch before the given day', () => {
  expect(batchTag(new Date('2026-11-26T09:00:00Z'), ni, '2026-11-27')).toBe('2026-11-27');
  expect(batchTag(new Date('2026-11-26T09:00:00Z'), ni, '2026-11-28')).toBe('2026-11-30');
});

test('holidays follow the configured Land', () => {
  // Reformationstag 31.10.2028 (Tuesday): a holiday in Niedersachsen, not in Bayern.
  expect(batchTag(new Date('2028-10-31T08:00:00Z'), ni)).toBe('2028-11-01');
  expect(batchTag(new Date('2028-10-31T08:00:00Z'), { annahmeschluss: '14:00', land: 'BY' })).toBe('2028-10-31');
});

test('E-Akte document id: a stable UUID per letter', () => {
  const a = eakteDokumentId('wb-abc-erinnerung1');
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(eakteDokumentId('wb-abc-erinnerung1')).toBe(a);
  expect(eakteDokumentId('wb-abc-erinnerung2')).not.toBe(a);
});

test('centre id: the briefId when plain, an opaque hash otherwise; attempts get a suffix', () => {
  expect(zentrumsKennung('wb-abc-erinnerung1', 1)).toBe('wb-abc-erinnerung1');
  expect(zentrumsKennung('wb-abc-erinnerung1', 2)).toBe('wb-abc-erinnerung1-v2');
  const lang = zentrumsKennung('x'.repeat(100), 1);
  expect(lang).toMatch(/^b-[0-9a-f]{32}$/);
  expect(zentrumsKennung('Brief für Müller', 1)).toMatch(/^b-[0-9a-f]{32}$/);
});

test('configuration: defaults, and invalid values named', () => {
  expect(loadDruckConfig({}).policy).toMatchObject({ annahmeschluss: '14:00', land: 'NI', statusPollMs: 30_000, statusWarnungMs: 3_600_000 });
  expect(() => loadDruckConfig({ ZENTRALDRUCK_ANNAHMESCHLUSS: '02:30' })).toThrow('ZENTRALDRUCK_ANNAHMESCHLUSS');
  expect(() => loadDruckConfig({ ZENTRALDRUCK_STATUS_POLL_S: '1' })).toThrow('ZENTRALDRUCK_STATUS_POLL_S');
  expect(() => loadDruckConfig({ ZENTRALDRUCK_LAND: 'XX' })).toThrow('ZENTRALDRUCK_LAND');
});
