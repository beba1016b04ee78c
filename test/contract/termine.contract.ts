/**
 * Contract of the Terminsystem port: every adapter passes it against its simulator.
 * `truth` is the simulated system's own data, which the adapter must reproduce exactly.
 */
import { BusinessError } from '../../connectors/errors';
import type { Buchung, Tag, Terminsystem } from '../../connectors/termine/port';

export interface TermineContractEnv {
  port: Terminsystem;
  truth: {
    buchungen(tag: Tag, standort?: string): Buchung[];
    hinzufuegen(b: Buchung): void;
    /** Location ids the system knows. */
    standorte: string[];
  };
  /** A working day with seeded bookings. */
  arbeitstag: Tag;
  /** A day without bookings (e.g. a Sunday). */
  freierTag: Tag;
  teardown(): Promise<void>;
}

export function termineContract(name: string, setup: () => Promise<TermineContractEnv>): void {
  describe(`Terminsystem-Vertrag: ${name}`, () => {
    let env: TermineContractEnv;
    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    test('lists all bookings of a working day, as the system holds them, ordered by time', async () => {
      const expected = env.truth.buchungen(env.arbeitstag);
      expect(expected.length).toBeGreaterThan(5);
      const got = await env.port.listeBuchungen(env.arbeitstag);
      expect(got).toEqual(expected);
      const zeiten = got.map((b) => b.uhrzeit);
      expect([...zeiten].sort()).toEqual(zeiten);
    });

    test('filters by location', async () => {
      const standort = env.truth.standorte[0]!;
      const got = await env.port.listeBuchungen(env.arbeitstag, standort);
      expect(got).toEqual(env.truth.buchungen(env.arbeitstag, standort));
      expect(got.length).toBeGreaterThan(0);
      expect(new Set(got.map((b) => b.standort))).toEqual(new Set([standort]));
    });

    test('a new booking appears with every field (umlauts, phone and e-mail)', async () => {
      const standort = env.truth.standorte[1] ?? env.truth.standorte[0]!;
      const b: Buchung = {
        buchungsnummer: 'B-VERTRAG-0001', standort, tag: env.arbeitstag, uhrzeit: '07:45', dauerMinuten: 60,
        anliegen: 'Neuantrag Bürgergeld', name: 'Groß-Özdemir, Jürgen Ärne',
        kontakt: { telefon: '0171 1234567', email: 'j.oezdemir@example.org' },
      };
      env.truth.hinzufuegen(b);
      const got = await env.port.listeBuchungen(env.arbeitstag, standort);
      expect(got[0]).toEqual(b);
    });

    test('a day without bookings is an empty list', async () => {
      expect(env.truth.buchungen(env.freierTag)).toEqual([]);
      await expect(env.port.listeBuchungen(env.freierTag)).resolves.toEqual([]);
    });

    test('an unknown location is a BusinessError STANDORT_UNBEKANNT', async () => {
      const err = await env.port.listeBuchungen(env.arbeitstag, 'gibt-es-nicht').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BusinessError);
      expect((err as BusinessError).code).toBe('STANDORT_UNBEKANNT');
    });

    test('health is ok', async () => {
      const check = await env.port.health();
      expect(check).toMatchObject({ ok: true });
    });
  });
}
