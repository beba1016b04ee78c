/**
 * `aktenlauf schedule list|create|pause|unpause|trigger|backfill`: the engine's Temporal
 * schedules from the shell (same rules as the console page /zeitplaene). Every change is
 * recorded in the audit trail with the operating-system user as actor ("cli:<name>").
 * Exit codes: 0 done, 1 refused or failed (German reason on stderr), 2 wrong usage.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { appendAudit, auditFile, type AuditOutcome } from '../console/audit';
import { ZEITPLAN_KATALOG, ZEITPLAN_ZEITZONE, parseBerlinZeit } from '../domain/zeitplaene';
import type { Config } from '../platform/config';
import { ZeitplanDienst, ZeitplanFehler, type ZeitplanZeile } from '../platform/schedules';

export const SCHEDULE_HELP = `aktenlauf schedule <befehl> [zeitplan] [optionen]

  list                                  alle Zeitpläne des Katalogs mit Takt, Zustand, nächstem und letztem Lauf
  create   <zeitplan|workflow-typ> [--takt "Mo-Fr 14:00"]   aus dem Katalog anlegen
  edit     <zeitplan> --takt "<takt>"   Takt ändern (bleibt über Neustarts erhalten)
  pause    <zeitplan> --notiz "<grund>" pausieren (Notiz Pflicht)
  unpause  <zeitplan> [--notiz "<text>"]
  trigger  <zeitplan>                   jetzt einmal auslösen
  backfill <zeitplan> --von <zeit> --bis <zeit>   verpasste Läufe nachholen (höchstens 31 Tage, nur Vergangenheit)

Takt (deutsche Zeit; nie zwischen 02:00 und 03:00): „täglich 05:30“, „Mo-Fr 14:00“, „Mo,Mi 08:00,13:00“, „alle 5 Minuten“.
Zeiten: 2026-11-20 (Tagesbeginn) oder 2026-11-20T14:00, in deutscher Zeit.
Optionen: --json (Ausgabe als JSON)
Zeitpläne: ${ZEITPLAN_KATALOG.map((e) => e.id).join(', ')}
`;

export interface ScheduleCliDeps {
  /** A connected client (tests); otherwise one is opened from the config. */
  client?: Client;
  praefix?: string;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  jetzt?: () => Date;
}


const fmt = (d: Date) => DateTime.fromJSDate(d).setZone(ZEITPLAN_ZEITZONE).toFormat('dd.MM.yyyy HH:mm');

function zeileText(z: ZeitplanZeile): string {
  if (!z.angelegt) return `${z.id.padEnd(38)} nicht angelegt           (Standard: ${z.eintrag.standardTakt})`;
  const zustand = z.pausiert ? `PAUSIERT${z.notiz ? ` – ${z.notiz}` : ''}` : 'aktiv';
  const naechster = z.naechste[0] ? fmt(z.naechste[0]) : '–';
  const letzter = z.letzte[0] ? fmt(z.letzte[0].gestartet) : '–';
  return `${z.id.padEnd(38)} ${(z.takt ?? '(eigene Angabe)').padEnd(24)} ${zustand.padEnd(10)} nächster: ${naechster}  letzter: ${letzter}`;
}

export async function scheduleCommand(argv: string[], cfg: Config, deps: ScheduleCliDeps = {}): Promise<number> {
  const out = deps.out ?? process.stdout;
  const err = deps.err ?? process.stderr;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: { takt: { type: 'string' }, notiz: { type: 'string' }, von: { type: 'string' }, bis: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${SCHEDULE_HELP}`);
    return 2;
  }
  const [befehl, id] = parsed.positionals;
  const o = parsed.values;
  const befehle = ['list', 'create', 'edit', 'pause', 'unpause', 'trigger', 'backfill'];
  if (!befehl || befehl === 'help' || !befehle.includes(befehl)) {
    if (befehl && befehl !== 'help') err.write(`Unbekannter Befehl: schedule ${befehl}\n\n`);
    (befehl && befehl !== 'help' ? err : out).write(SCHEDULE_HELP);
    return befehl === 'help' ? 0 : 2;
  }
  if (befehl !== 'list' && !id) {
    err.write(`Bitte den Zeitplan angeben: aktenlauf schedule ${befehl} <zeitplan>\n`);
    return 2;
  }

  let client = deps.client;
  let close: (() => Promise<void>) | undefined;
  if (!client) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { codecFromConfig, connect, makeClient } = require('../platform/temporal') as typeof import('../platform/temporal');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const { codec } = codecFromConfig(cfg, false);
    const connection = await connect(cfg.temporal.address);
    client = makeClient(connection, cfg.temporal.namespace, codec);
    close = () => connection.close();
  }
  const dienst = new ZeitplanDienst(client, cfg, { praefix: deps.praefix });
  const actor = `cli:${os.userInfo().username}`;
  const audit = (action: string, target: string, outcome: AuditOutcome) => appendAudit(auditFile(cfg), { actor, role: 'cli', action: `zeitplan.${action}`, target, outcome });
  try {
    if (befehl === 'list') {
      const liste = await dienst.liste();
      if (o.json) out.write(JSON.stringify(liste, null, 2) + '\n');
      else for (const z of liste) out.write(zeileText(z) + '\n');
      return 0;
    }
    const zid = id!;
    try {
      let meldung: string;
      switch (befehl) {
        case 'create': {
          const z = await dienst.anlegen(zid, o.takt);
          await audit('anlegen', `${z.id}: ${z.takt}`, 'erfolg');
          meldung = `Angelegt: ${z.id} (${z.takt}); nächster Lauf ${z.naechste[0] ? fmt(z.naechste[0]) : '–'}.`;
          break;
        }
        case 'edit': {
          if (!o.takt) throw new ZeitplanFehler('Bitte den neuen Takt angeben: --takt "Mo-Fr 14:00".');
          const r = await dienst.taktAendern(zid, o.takt);
          await audit('takt', `${zid}: ${r.vorher ?? '?'} → ${r.nachher}`, 'erfolg');
          meldung = `Takt geändert: ${zid}: ${r.vorher ?? '?'} → ${r.nachher}.`;
          break;
        }
        case 'pause':
          await dienst.pausieren(zid, o.notiz ?? '');
          await audit('pausieren', `${zid} (Notiz: ${o.notiz!.trim()})`, 'erfolg');
          meldung = `Pausiert: ${zid}.`;
          break;
        case 'unpause':
          await dienst.fortsetzen(zid, o.notiz);
          await audit('fortsetzen', `${zid}${o.notiz ? ` (Notiz: ${o.notiz})` : ''}`, 'erfolg');
          meldung = `Fortgesetzt: ${zid}.`;
          break;
        case 'trigger':
          await dienst.ausloesen(zid);
          await audit('ausloesen', zid, 'erfolg');
          meldung = `Ausgelöst: ${zid}.`;
          break;
        default: {
          const von = parseBerlinZeit(o.von);
          const bis = parseBerlinZeit(o.bis);
          if (!von || !bis) throw new ZeitplanFehler('Bitte --von und --bis als Datum (2026-11-20) oder Datum mit Uhrzeit (2026-11-20T14:00) angeben.');
          const r = await dienst.nachholen(zid, von, bis, deps.jetzt?.() ?? new Date());
          await audit('nachholen', `${zid}: ${fmt(von)} – ${fmt(bis)} (bis zu ${r.laeufe} Läufe)`, 'erfolg');
          meldung = `Nachholen beauftragt: ${zid}, ${fmt(von)} – ${fmt(bis)} (bis zu ${r.laeufe} Läufe).`;
        }
      }
      out.write(`${meldung}\n`);
      return 0;
    } catch (e) {
      if (!(e instanceof ZeitplanFehler)) throw e;
      const action = { create: 'anlegen', edit: 'takt', pause: 'pausieren', unpause: 'fortsetzen', trigger: 'ausloesen', backfill: 'nachholen' }[befehl] ?? befehl;
      await audit(action, `${zid.slice(0, 80)}: ${e.message.slice(0, 200)}`, 'abgelehnt');
      err.write(`Abgelehnt: ${e.message}\n`);
      return 1;
    }
  } finally {
    await close?.();
  }
}
