/**
 * Intake of the Bescheide the Fachverfahren prints into its output folder (FACHVERFAHREN_AUSGABE_DIR,
 * default <dataDir>/sim/open-prosoz/ausgabe). Per Bescheid the Fachverfahren writes two files
 * with the same base name: the PDF, and last (as the completion marker) a JSON sidecar:
 *
 *   ausgabe/BESCHEID_20261126_000123.pdf
 *   ausgabe/BESCHEID_20261126_000123.json
 *     { "bescheidId": "20261126-000123",          its own unique id of the document
 *       "bgNummer": "35101BG0004711",
 *       "teamId": "LE-GOE-AF",
 *       "betreff": "Änderungsbescheid",           optional
 *       "empfaenger": { "name": "Frau Erika Muster", "zusatz": "…", "strasse": "…", "plz": "37073", "ort": "Göttingen" } }
 *
 * The activity copies the PDF into the engine's store, starts one `zentraldruckBrief` per
 * Bescheid (art FACHVERFAHREN_BESCHEID, briefId `fv-<HMAC-free hash of bescheidId>`, so the same
 * Bescheid never starts twice) and then moves both files to `uebernommen/`. A pair it cannot read
 * goes to `fehler/` with a `<name>.grund.txt` in German. A PDF without sidecar is left alone (the
 * Fachverfahren is still writing).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { z } from 'zod';
import { BRIEF_WORKFLOW, briefWorkflowId, type BriefAuftrag } from '../../domain/zentraldruck';
import { Prozess } from '../../domain/search-attributes';
import type { ZentraldruckPolicy } from '../../domain/briefdruck';

export const bescheidSidecarSchema = z.object({
  bescheidId: z.string().trim().min(1).max(200),
  bgNummer: z.string().trim().min(1),
  teamId: z.string().trim().min(1),
  betreff: z.string().trim().optional(),
  empfaenger: z.object({ name: z.string().trim().min(1), zusatz: z.string().trim().optional(), strasse: z.string().trim().min(1), plz: z.string().trim(), ort: z.string().trim().min(1) }),
});

export function ausgabeDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.FACHVERFAHREN_AUSGABE_DIR?.trim() ? path.resolve(env.FACHVERFAHREN_AUSGABE_DIR) : path.join(dataDir, 'sim', 'open-prosoz', 'ausgabe');
}

export function bescheidBriefId(bescheidId: string): string {
  return `fv-${createHash('sha256').update(bescheidId).digest('hex').slice(0, 32)}`;
}

async function verschiebe(dir: string, ziel: string, dateien: string[]): Promise<void> {
  await fs.mkdir(path.join(dir, ziel), { recursive: true });
  for (const f of dateien) {
    try {
      await fs.rename(path.join(dir, f), path.join(dir, ziel, f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

export function createAusgabeActivities(dataDir: string) {
  return {
    async uebernehmeBescheide(a: { policy?: Partial<ZentraldruckPolicy>; dir?: string } = {}): Promise<{ gestartet: number; vorhanden: number; fehler: number }> {
      const dir = a.dir ?? ausgabeDir(dataDir);
      const ergebnis = { gestartet: 0, vorhanden: 0, fehler: 0 };
      let namen: string[];
      try {
        namen = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ergebnis;
        throw err;
      }
      const ctx = Context.current();
      for (const json of namen) {
        const basis = json.slice(0, -'.json'.length);
        const pdfName = `${basis}.pdf`;
        let sidecar: z.infer<typeof bescheidSidecarSchema>;
        try {
          await fs.access(path.join(dir, pdfName));
        } catch {
          await verschiebe(dir, 'fehler', [json]);
          await fs.writeFile(path.join(dir, 'fehler', `${basis}.grund.txt`), 'Zur Begleitdatei fehlt das PDF des Bescheids.\n');
          ergebnis.fehler += 1;
          continue;
        }
        try {
          sidecar = bescheidSidecarSchema.parse(JSON.parse(await fs.readFile(path.join(dir, json), 'utf8')));
        } catch (err) {
          await verschiebe(dir, 'fehler', [json, pdfName]);
          const grund = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'keine gültige JSON-Datei';
          await fs.writeFile(path.join(dir, 'fehler', `${basis}.grund.txt`), `Die Begleitdatei des Bescheids ist ungültig: ${grund}\n`);
          ergebnis.fehler += 1;
          continue;
        }
        const briefId = bescheidBriefId(sidecar.bescheidId);
        const pdfPfad = path.join('store', 'fachverfahren', `${briefId}.pdf`);
        await fs.mkdir(path.join(dataDir, 'store', 'fachverfahren'), { recursive: true });
        await fs.copyFile(path.join(dir, pdfName), path.join(dataDir, pdfPfad));
        const auftrag: BriefAuftrag = {
          briefId, art: 'FACHVERFAHREN_BESCHEID', empfaenger: sidecar.empfaenger, bgNummer: sidecar.bgNummer, teamId: sidecar.teamId,
          daten: sidecar.betreff ? { betreff: sidecar.betreff } : {}, pdfPfad, bezug: { prozess: Prozess.ZENTRALDRUCK, workflowId: `fachverfahren-ausgabe` },
        };
        try {
          await ctx.client.workflow.start(BRIEF_WORKFLOW, { taskQueue: ctx.info.taskQueue, workflowId: briefWorkflowId(briefId), args: a.policy ? [auftrag, { policy: a.policy }] : [auftrag] });
          ergebnis.gestartet += 1;
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          ergebnis.vorhanden += 1;
        }
        await verschiebe(dir, 'uebernommen', [pdfName, json]);
      }
      return ergebnis;
    },
  };
}
