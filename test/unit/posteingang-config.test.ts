/** The Posteingang's settings: validated with the variable named, defaults of the demo Landkreis (Niedersachsen). */
import { loadPosteingangPolicy } from '../../activities/posteingang/config';

test('defaults: Niedersachsen, one working day to review, Wiedervorlage in three; empty values count as unset', () => {
  expect(loadPosteingangPolicy({}, 0.58)).toEqual({
    schwelle: 0.58, pruefFristArbeitstage: 1, land: 'NI', wiedervorlageArbeitstage: 3, widerspruchStandardArbeitstage: 1, eskalationFristTage: 1,
  });
  expect(loadPosteingangPolicy({ POSTEINGANG_LAND: '', ERKENNUNG_SCHWELLE: ' ', POSTKORB_LEITUNG_TEAM: '' }, 0.5)).toMatchObject({ land: 'NI', schwelle: 0.5 });
  expect(loadPosteingangPolicy({ POSTEINGANG_LAND: 'BY', ERKENNUNG_SCHWELLE: '0.7', POSTKORB_LEITUNG_TEAM: 'LE-LEITUNG' }, 0.5)).toMatchObject({ land: 'BY', schwelle: 0.7, eskalationTeamId: 'LE-LEITUNG' });
});

test('a wrong value stops with the variable named instead of running with other holidays', () => {
  expect(() => loadPosteingangPolicy({ POSTEINGANG_LAND: 'Niedersachsen' }, 0.5)).toThrow(/Ungültige Konfiguration des Posteingangs: POSTEINGANG_LAND/);
  expect(() => loadPosteingangPolicy({ ERKENNUNG_SCHWELLE: '1.5' }, 0.5)).toThrow(/ERKENNUNG_SCHWELLE/);
  expect(() => loadPosteingangPolicy({ POSTKORB_PRUEF_FRIST_ARBEITSTAGE: '0' }, 0.5)).toThrow(/POSTKORB_PRUEF_FRIST_ARBEITSTAGE/);
});
