/**
 * Contract of the print-centre port (connectors/druckzentrum/port.ts): every adapter passes
 * this suite against its simulator. Called by test/integration/druckzentrum-<adapter>.test.ts.
 */
import { isBusinessError, TechnicalError } from '../../connectors/errors';
import { STATUS_REIHENFOLGE, istEndstatus, type AuftragsStatus, type Druckzentrum } from '../../connectors/druckzentrum/port';
import { testbrief, type TestbriefVariante } from '../../connectors/druckzentrum/testbriefe';

export interface DruckzentrumTestumgebung {
  port: Druckzentrum;
  /** What the simulated centre saw (counted on its side). */
  sim: {
    /** How often the centre received a letter with this id, over all batches. */
    briefEmpfaenge(briefId: string): number;
    /** How many letters with this id went to the post. */
    gepostet(briefId: string): number;
  };
  /** Lets time pass for adapter and centre (fake clock), and lets the centre work once. */
  zeitVergeht(ms: number): Promise<void>;
  /** The next submit reaches the centre and is accepted, but the adapter gets no answer. */
  naechsteEinlieferungOhneAntwort(): void;
  teardown(): Promise<void>;
}

export function druckzentrumContract(name: string, setup: () => Promise<DruckzentrumTestumgebung>): void {
  describe(`Druckzentrum-Vertrag: ${name}`, () => {
    let env: DruckzentrumTestumgebung;
    let nr = 100;
    let auftragNr = 0;
    const batchId = () => `vertrag-${name}-${(auftragNr += 1)}`;
    const brief = async (variante: TestbriefVariante = 'gueltig', seiten = 1) => {
      nr += 1;
      return { briefId: `brief-${name}-${nr}`, pdf: await testbrief({ nr, variante, seiten }), seiten: variante === 'keinPdf' ? undefined : seiten };
    };

    /** Polls like the engine does (every 5 s of clock time) until the batch is final. */
    async function bisZumEnde(auftragsId: string): Promise<{ ende: AuftragsStatus; verlauf: AuftragsStatus[] }> {
      const verlauf: AuftragsStatus[] = [];
      for (let i = 0; i < 40; i += 1) {
        const s = await env.port.status(auftragsId);
        verlauf.push(s);
        if (s.briefe.every((b) => istEndstatus(b.status))) return { ende: s, verlauf };
        await env.zeitVergeht(5000);
      }
      throw new Error(`Auftrag ${auftragsId} nicht abgeschlossen: ${JSON.stringify(verlauf.at(-1))}`);
    }

    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    test('ein gültiger Auftrag läuft bis an_post_uebergeben, jeder Brief mit Postausgangsdatum', async () => {
      const briefe = [await brief(), await brief('gueltig', 2)];
      const id = batchId();
      const r = await env.port.submit({ batchId: id, briefe });
      expect(r.neu).toBe(true);
      const { ende, verlauf } = await bisZumEnde(r.auftragsId);
      expect(ende.status).toBe('an_post_uebergeben');
      expect(ende.auftragsId).toBe(r.auftragsId);
      expect(ende.briefe.map((b) => b.briefId).sort()).toEqual(briefe.map((b) => b.briefId).sort());
      for (const b of ende.briefe) {
        expect(b.status).toBe('an_post_uebergeben');
        expect(b.postausgangsdatum).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(b.fehlercode).toBeUndefined();
      }
      expect(Number.isNaN(Date.parse(ende.aktualisiertAm))).toBe(false);
      // The batch never goes backwards and passes through more than one state.
      const stufen = verlauf.map((s) => STATUS_REIHENFOLGE.indexOf(s.status));
      expect(stufen).toEqual([...stufen].sort((a, b) => a - b));
      expect(new Set(stufen).size).toBeGreaterThan(1);
      for (const b of briefe) expect(env.sim.gepostet(b.briefId)).toBe(1);
    });

    test('dieselbe batchId zweimal: ein Auftrag (neu=false), jeder Brief einmal gedruckt', async () => {
      const briefe = [await brief(), await brief()];
      const id = batchId();
      const erst = await env.port.submit({ batchId: id, briefe });
      await env.zeitVergeht(5000);
      const zweit = await env.port.submit({ batchId: id, briefe });
      expect(erst.neu).toBe(true);
      expect(zweit).toEqual({ auftragsId: erst.auftragsId, neu: false });
      await env.zeitVergeht(5000);
      const { ende } = await bisZumEnde(erst.auftragsId);
      expect(ende.status).toBe('an_post_uebergeben');
      expect(ende.briefe).toHaveLength(2);
      for (const b of briefe) {
        expect(env.sim.briefEmpfaenge(b.briefId)).toBe(1);
        expect(env.sim.gepostet(b.briefId)).toBe(1);
      }
    });

    test('unbekannter Ausgang (Zeitüberschreitung nach Annahme), dann Wiederholung: einmal gedruckt', async () => {
      const briefe = [await brief(), await brief()];
      const id = batchId();
      env.naechsteEinlieferungOhneAntwort();
      const erst = await env.port.submit({ batchId: id, briefe }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(erst).toBeInstanceOf(TechnicalError);
      await env.zeitVergeht(5000); // the engine retries after a backoff
      const wieder = await env.port.submit({ batchId: id, briefe });
      expect(wieder.neu).toBe(false);
      await env.zeitVergeht(5000);
      const { ende } = await bisZumEnde(wieder.auftragsId);
      expect(ende.status).toBe('an_post_uebergeben');
      for (const b of briefe) {
        expect(env.sim.briefEmpfaenge(b.briefId)).toBe(1);
        expect(env.sim.gepostet(b.briefId)).toBe(1);
      }
    });

    test('abgelehnte Briefe haben Code und deutschen Grund, die übrigen des Auftrags gehen weiter', async () => {
      const gut1 = await brief();
      const aussen = await brief('adresseAusserhalb');
      const quer = await brief('quer');
      const keinPdf = await brief('keinPdf');
      const gut2 = await brief();
      const id = batchId();
      const r = await env.port.submit({ batchId: id, briefe: [gut1, aussen, quer, keinPdf, gut2] });
      const { ende } = await bisZumEnde(r.auftragsId);
      const je = new Map(ende.briefe.map((b) => [b.briefId, b]));
      expect(je.get(aussen.briefId)).toMatchObject({ status: 'fehler', fehlercode: 'ADRESSE_AUSSERHALB_FENSTER' });
      expect(je.get(aussen.briefId)?.grund).toMatch(/Sichtfenster/);
      expect(je.get(quer.briefId)).toMatchObject({ status: 'fehler', fehlercode: 'FORMAT_NICHT_A4_HOCH' });
      expect(je.get(quer.briefId)?.grund).toMatch(/A4 hochkant/);
      expect(je.get(keinPdf.briefId)).toMatchObject({ status: 'fehler', fehlercode: 'KEIN_PDF' });
      expect(je.get(keinPdf.briefId)?.grund).toMatch(/kein lesbares PDF/);
      for (const g of [gut1, gut2]) {
        expect(je.get(g.briefId)?.status).toBe('an_post_uebergeben');
        expect(env.sim.gepostet(g.briefId)).toBe(1);
      }
      expect(ende.status).toBe('an_post_uebergeben');
      for (const f of [aussen, quer, keinPdf]) expect(env.sim.gepostet(f.briefId)).toBe(0);
    });

    test('ein verschlüsseltes PDF wird abgelehnt', async () => {
      const v = await brief('verschluesselt');
      const r = await env.port.submit({ batchId: batchId(), briefe: [v] });
      const { ende } = await bisZumEnde(r.auftragsId);
      expect(ende.status).toBe('fehler');
      expect(ende.briefe[0]).toMatchObject({ briefId: v.briefId, status: 'fehler', fehlercode: 'PDF_VERSCHLUESSELT' });
      expect(ende.briefe[0]?.grund).toMatch(/verschlüsselt/);
      expect(env.sim.gepostet(v.briefId)).toBe(0);
    });

    test('dasselbe PDF in einem zweiten Auftrag wird als Duplikat erkannt und nicht erneut gedruckt', async () => {
      const original = await brief();
      const a = await env.port.submit({ batchId: batchId(), briefe: [original] });
      await bisZumEnde(a.auftragsId);
      const kopie = { briefId: `${original.briefId}-kopie`, pdf: Buffer.from(original.pdf) };
      const anderer = await brief();
      const b = await env.port.submit({ batchId: batchId(), briefe: [kopie, anderer] });
      expect(b.neu).toBe(true);
      const { ende } = await bisZumEnde(b.auftragsId);
      const je = new Map(ende.briefe.map((x) => [x.briefId, x]));
      expect(je.get(kopie.briefId)).toMatchObject({ status: 'fehler', fehlercode: 'DUPLIKAT' });
      expect(je.get(kopie.briefId)?.grund).toMatch(/bereits eingeliefert/);
      expect(je.get(anderer.briefId)?.status).toBe('an_post_uebergeben');
      expect(env.sim.gepostet(original.briefId)).toBe(1);
      expect(env.sim.gepostet(kopie.briefId)).toBe(0);
    });

    test('Status einer unbekannten Auftragskennung ist ein BusinessError', async () => {
      const err = await env.port.status(`unbekannt-${name}-4711`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isBusinessError(err)).toBe(true);
      expect(err).toMatchObject({ code: 'AUFTRAG_UNBEKANNT' });
    });

    test('ein ungültiger Auftrag wird vor jeder Übergabe als BusinessError abgewiesen', async () => {
      await expect(env.port.submit({ batchId: batchId(), briefe: [] })).rejects.toMatchObject({ name: 'BusinessError', code: 'LEERER_AUFTRAG' });
      await expect(env.port.submit({ batchId: '../ausbruch', briefe: [await brief()] })).rejects.toMatchObject({ name: 'BusinessError', code: 'UNGUELTIGE_KENNUNG' });
    });

    test('health meldet die Verbindung als in Ordnung', async () => {
      const h = await env.port.health();
      expect(h).toMatchObject({ id: 'druckzentrum', ok: true, required: true });
    });
  });
}
