/**
 * Shared test bed of the Zentraldruck tests: the test world (simulators + adapters), a worker,
 * and small helpers to request letters and watch them. Each test uses its own batch prefix,
 * so batches of different tests never mix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { BRIEF_ZUSTAND_QUERY, type BriefZustand, type ZentraldruckPolicy } from '../../domain/briefdruck';
import { BRIEF_WORKFLOW, briefWorkflowId, type BriefAuftrag } from '../../domain/zentraldruck';
import { beendePdfLeser } from '../../connectors/druckzentrum/pdf-text';
import { startTestWorld, type TestWorld } from './connectors';
import { eventually, startTestEngine, type TestEngine } from './engine';
import { testConfig } from './env';

export async function startZentraldruckTestbed(): Promise<{ world: TestWorld; engine: TestEngine }> {
  const world = await startTestWorld(testConfig());
  const engine = await startTestEngine({}, { connectors: world.connectors });
  return { world, engine };
}

export async function stopZentraldruckTestbed(world?: TestWorld, engine?: TestEngine): Promise<void> {
  await engine?.stop();
  await world?.stop();
  await beendePdfLeser();
}

/** Helpers bound to the test bed of a test file (given lazily: it exists only after beforeAll). */
export function zentraldruckHelfer(engine: () => TestEngine, world: () => TestWorld) {
  let nr = 0;
  const zustand = (h: WorkflowHandle): Promise<BriefZustand> => h.query<BriefZustand>(BRIEF_ZUSTAND_QUERY);
  return {
    policy(): Partial<ZentraldruckPolicy> {
      return { batchPraefix: `zdt${randomBytes(4).toString('hex')}`, statusPollMs: 300, annahmeschluss: '14:00' };
    },
    auftrag(o: Partial<BriefAuftrag> = {}): BriefAuftrag {
      nr += 1;
      return {
        briefId: `zd-${randomBytes(6).toString('hex')}`,
        art: 'WBA_ZWEITE_ERINNERUNG',
        empfaenger: { name: 'Herrn Jürgen Beispiel', strasse: 'Am Mühlbach 3a', plz: '35578', ort: 'Wetzlar' },
        bgNummer: `35101BG00${String(10000 + nr)}`,
        teamId: 'LE-WZ-01',
        daten: { bwzEnde: '2027-01-31' },
        bezug: { prozess: 'test', workflowId: 'test-zentraldruck' },
        ...o,
      };
    },
    async starte(a: BriefAuftrag, p: Partial<ZentraldruckPolicy>): Promise<WorkflowHandle> {
      const e = engine();
      return e.client.workflow.start(BRIEF_WORKFLOW, { taskQueue: e.cfg.temporal.taskQueue, workflowId: briefWorkflowId(a.briefId), args: [a, { policy: p }] });
    },
    zustand,
    async imBatch(h: WorkflowHandle): Promise<BriefZustand> {
      return eventually(async () => {
        const z = await zustand(h);
        return z.status === 'wartet_auf_batch' ? z : undefined;
      }, 'letter waits for its batch', 45000);
    },
    archivierteBriefe(briefId: string): number {
      const archiv = (world().simulators.running.find((r) => r.spec.id === 'druckzentrum-ordner')!.sim.folders as { archiv: string }).archiv;
      let n = 0;
      for (const batch of fs.readdirSync(archiv)) {
        const dir = path.join(archiv, batch);
        if (fs.statSync(dir).isDirectory()) n += fs.readdirSync(dir).filter((f) => f === `${briefId}.pdf`).length;
      }
      return n;
    },
  };
}
