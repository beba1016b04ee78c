/**
 * The OCR pool on real Redis: pages go through BullMQ to the pool's tesseract workers and come
 * back as the in-process engine reads them; results are sealed in Redis; a job whose process
 * died is taken over; technical errors are retried; an unreadable image fails for good with a
 * clear reason; a pool that does not answer gives a clear error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { codecFromConfig } from '../../platform/temporal';
import { codecSealer } from '../../connectors/robot-pool/sealing';
import { createLokaleOcr, OcrBildFehler, type OcrEngine, type OcrErgebnis } from '../../activities/erkennung/ocr';
import { createOcrPoolClient, OCR_QUEUE, ocrCheck, ocrJobId, type OcrPoolClient } from '../../activities/erkennung/ocr-pool-client';
import { normalisiereBild } from '../../activities/erkennung/seiten';
import { testseite } from '../../activities/erkennung/ocr-testseite';
import { startOcrPool } from '../../workers/ocr-pool';
import { testConfig, testStack, uniqueName } from '../helpers/env';

const FIXES_ERGEBNIS: OcrErgebnis = { text: 'Testtext', woerter: [], meanConfidence: 0, rotation: 0, breite: 10, hoehe: 10, region: 'ganz' };

/** A stand-in engine: counts calls, can hang or fail on demand. */
function stubEngine(verhalten: (aufruf: number) => Promise<OcrErgebnis>): OcrEngine & { aufrufe: number } {
  const e = {
    aufrufe: 0,
    async erkenne() {
      e.aufrufe += 1;
      return verhalten(e.aufrufe);
    },
    async close() {},
  };
  return e;
}

async function warteBis(bedingung: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const ende = Date.now() + ms;
  while (!(await bedingung())) {
    if (Date.now() > ende) throw new Error('Bedingung nicht erreicht');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('OCR pool (BullMQ, real Redis)', () => {
  const stack = testStack();
  const cfg = testConfig();
  const { codec } = codecFromConfig(cfg, false);
  const offen: { close(): Promise<void> }[] = [];
  let seiten: Buffer[];

  beforeAll(async () => {
    seiten = await Promise.all([
      testseite({ dpi: 150 }).then(async (p) => (await normalisiereBild(p)).png),
      testseite({ dpi: 150, rotation: 180, betreff: 'Widerspruch gegen den Bescheid vom 02.03.2026' }).then(async (p) => (await normalisiereBild(p)).png),
    ]);
  });

  afterEach(async () => {
    for (const o of offen.splice(0).reverse()) await o.close();
  });

  it('reads two pages in parallel exactly as the in-process engine, sealed in Redis, once per page', async () => {
    const prefix = uniqueName('ocrq');
    const gezaehlt = await createLokaleOcr({ workers: 2 });
    let aufrufe = 0;
    const engine: OcrEngine = {
      erkenne: (png, o) => {
        aufrufe += 1;
        return gezaehlt.erkenne(png, o);
      },
      close: () => gezaehlt.close(),
    };
    const pool = await startOcrPool({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, workers: 2, sealer: codecSealer(codec), prefix, engine });
    offen.push(pool);
    const client = await createOcrPoolClient({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, codec, prefix });
    offen.push(client);

    const [a, b] = await Promise.all(seiten.map((s) => client.erkenne(s, { region: 'ganz' })));
    const lokal = await createLokaleOcr({ workers: 1 });
    offen.push(lokal);
    const erwartet = [];
    for (const s of seiten) erwartet.push(await lokal.erkenne(s, { region: 'ganz' }));
    expect(a).toEqual(erwartet[0]);
    expect(b).toEqual(erwartet[1]);
    expect(a!.text).toContain('Weiterbewilligungsantrag');
    expect(b!.rotation).toBe(180);
    expect(b!.text).toContain('Widerspruch gegen den Bescheid');

    // The job carries a content-addressed path only; its id is opaque; the result is sealed.
    const queue = new Queue(OCR_QUEUE, { connection: { url: stack.redisUrl }, prefix });
    offen.push(queue);
    const job = await Job.fromId(queue, ocrJobId(seiten[0]!, { region: 'ganz' }));
    expect(job!.id).toMatch(/^ocr-[0-9a-f]{40}-ganz-auto$/);
    expect(job!.data).toEqual({ pfad: expect.stringMatching(/^ocr\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/), optionen: { region: 'ganz' } });
    // the hand-over copy of the page image is gone once the result is in
    expect(fs.existsSync(path.join(cfg.dataDir, (job!.data as { pfad: string }).pfad))).toBe(false);
    expect(JSON.stringify(job!.returnvalue)).not.toMatch(/Weiterbewilligung|Musterfrau/);

    // doctor sees the pool
    await expect(ocrCheck(stack.redisUrl, 3000, prefix)).resolves.toMatchObject({ id: 'ocr', ok: true, detail: expect.stringContaining('1 OCR-Pool-Prozess(e)') });

    // A retried activity asks again: the finished job's result, no second OCR.
    expect(aufrufe).toBe(2);
    await expect(client.erkenne(seiten[0]!, { region: 'ganz' })).resolves.toEqual(a);
    expect(aufrufe).toBe(2);
  }, 240_000);

  it('a job whose pool process died is taken over by another pool process', async () => {
    const prefix = uniqueName('ocrq');
    let loslassen: () => void = () => undefined;
    const haengt = stubEngine(() => new Promise((resolve) => {
      loslassen = () => resolve(FIXES_ERGEBNIS);
    }));
    const toter = await startOcrPool({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, workers: 1, prefix, engine: haengt, lockDurationMs: 1000, stalledIntervalMs: 500 });
    const client = await createOcrPoolClient({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, prefix });
    offen.push(client);
    const ergebnis = client.erkenne(seiten[0]!, { rotation: 0 });
    await warteBis(async () => haengt.aufrufe === 1);
    await toter.close(true); // like SIGKILL: no completion, the lock simply expires

    const lebt = stubEngine(async () => ({ ...FIXES_ERGEBNIS, text: 'vom zweiten Pool' }));
    const zweiter = await startOcrPool({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, workers: 1, prefix, engine: lebt, lockDurationMs: 1000, stalledIntervalMs: 500 });
    offen.push(zweiter);
    await expect(ergebnis).resolves.toMatchObject({ text: 'vom zweiten Pool' });
    expect(lebt.aufrufe).toBe(1);
    loslassen();
  }, 120_000);

  it('retries a technical error with backoff', async () => {
    const prefix = uniqueName('ocrq');
    const wackelt = stubEngine(async (n) => {
      if (n < 3) throw new Error('tesseract worker abgestürzt');
      return FIXES_ERGEBNIS;
    });
    const pool = await startOcrPool({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, workers: 1, prefix, engine: wackelt });
    offen.push(pool);
    const client = await createOcrPoolClient({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, prefix, backoffMs: 50 });
    offen.push(client);
    await expect(client.erkenne(seiten[1]!)).resolves.toEqual(FIXES_ERGEBNIS);
    expect(wackelt.aufrufe).toBe(3);
  }, 120_000);

  it('an unreadable image fails for good with a clear reason, without retries', async () => {
    const prefix = uniqueName('ocrq');
    const pool = await startOcrPool({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, workers: 1, prefix, sealer: codecSealer(codec) });
    offen.push(pool);
    const client: OcrPoolClient = await createOcrPoolClient({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, codec, prefix, backoffMs: 50 });
    offen.push(client);
    const kaputt = Buffer.from('Das ist kein Bild, sondern Text.');
    const err = await client.erkenne(kaputt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OcrBildFehler);
    expect((err as Error).message).toMatch(/Seitenbild ist beschädigt oder kein lesbares Bild/);
    const queue = new Queue(OCR_QUEUE, { connection: { url: stack.redisUrl }, prefix });
    offen.push(queue);
    const job = await Job.fromId(queue, ocrJobId(kaputt));
    expect(job!.attemptsMade).toBe(1);
    expect(await job!.getState()).toBe('failed');
    // asked again (a retried activity): the same clear error at once, no new job run
    await expect(client.erkenne(kaputt)).rejects.toBeInstanceOf(OcrBildFehler);
    expect((await Job.fromId(queue, ocrJobId(kaputt)))!.attemptsMade).toBe(1);
  }, 120_000);

  it('says so clearly when no pool answers', async () => {
    const prefix = uniqueName('ocrq');
    await expect(ocrCheck(stack.redisUrl, 3000, prefix)).resolves.toMatchObject({ id: 'ocr', ok: false, detail: expect.stringContaining('0 OCR-Pool-Prozess(e)') });
    const client = await createOcrPoolClient({ redisUrl: stack.redisUrl, dataDir: cfg.dataDir, prefix, timeoutMs: 1500 });
    offen.push(client);
    await expect(client.erkenne(seiten[0]!)).rejects.toMatchObject({ name: 'TechnicalError', code: 'OCR_ZEITUEBERSCHREITUNG', message: expect.stringMatching(/^OCR-Pool antwortet nicht/) });
  }, 30_000);
});
