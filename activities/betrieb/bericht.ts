/**
 * The daily health report ("Betriebsbericht"): the operational picture (platform/metrics.ts) —
 * workflows per process, review queue, print batches, queues, robot failure rate, alerts — written
 * to `<data>/betrieb/berichte/<YYYY-MM-DD>.json` and `.txt` (German). Counts only, no Sozialdaten.
 * Redis is read from AKTENLAUF_REDIS_URL_EFFECTIVE / REDIS_URL; without it the queues are left out
 * and the report says so.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { Redis } from 'ioredis';
import { berlinDate } from '../../domain/zeit';
import { BetriebslageLeser, type Betriebslage } from '../../platform/metrics';
import type { ActivityDeps } from '../index';

export interface BetriebsberichtErgebnis {
  datei: string;
  alarme: string[];
  pruefung: number;
  fehlgeschlageneAuftraege: number;
}

export function berichtText(l: Betriebslage): string {
  const z: string[] = [`Betriebsbericht Aktenlauf – ${berlinDate(l.zeitpunkt)}`, ''];
  z.push(l.alarme.length ? `Alarme (${l.alarme.length}):` : 'Keine Alarme.');
  for (const a of l.alarme) z.push(`  - ${a.schwere === 'kritisch' ? 'KRITISCH' : 'Warnung'}: ${a.text}`);
  z.push('', 'Vorgänge je Prozess (laufend / abgeschlossen / fehlgeschlagen):');
  for (const p of l.prozesse) z.push(`  ${p.prozess.padEnd(18)} ${p.nachAblauf.Running ?? 0} / ${p.nachAblauf.Completed ?? 0} / ${(p.nachAblauf.Failed ?? 0) + (p.nachAblauf.TimedOut ?? 0)}`);
  z.push('', `Prüfliste Postkorb: ${l.pruefung.anzahl} Dokument(e), ${l.pruefung.ueberSla} über ${l.pruefung.slaStunden} h.`);
  z.push(`Zentraldruck: ${l.druck.nichtAngenommen} Tagessendung(en) nach Annahmeschluss + 1 h nicht angenommen.`);
  z.push('', 'Warteschlangen (wartend / in Arbeit / fehlgeschlagen):');
  for (const w of l.warteschlangen) z.push(`  ${w.def.label.padEnd(22)} ${w.counts.waiting} / ${w.counts.active} / ${w.counts.failed}${w.fehler ? ` (${w.fehler})` : ''}`);
  if (l.warteschlangen.length === 0) z.push('  (nicht gelesen: keine Redis-Verbindung im Worker konfiguriert)');
  return z.join('\n') + '\n';
}

export function createBerichtActivities(deps: ActivityDeps) {
  return {
    async betriebsberichtErstellen(): Promise<BetriebsberichtErgebnis> {
      const client = Context.current().client;
      const url = process.env.AKTENLAUF_REDIS_URL_EFFECTIVE ?? process.env.REDIS_URL;
      const redis = url ? new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true }) : undefined;
      redis?.on('error', () => undefined);
      const leser = new BetriebslageLeser({ temporal: client, redis: redis ?? (undefined as never), warteschlangen: redis ? undefined : [] });
      try {
        const lage = await leser.lesen();
        const dir = path.join(deps.dataDir, 'betrieb', 'berichte');
        await fs.mkdir(dir, { recursive: true, mode: 0o700 });
        const datei = path.join(dir, `${berlinDate(lage.zeitpunkt)}.json`);
        await fs.writeFile(datei, JSON.stringify(lage, null, 2) + '\n', { mode: 0o600 });
        await fs.writeFile(datei.replace(/\.json$/, '.txt'), berichtText(lage), { mode: 0o600 });
        return {
          datei,
          alarme: lage.alarme.map((a) => a.text),
          pruefung: lage.pruefung.anzahl,
          fehlgeschlageneAuftraege: lage.warteschlangen.reduce((n, w) => n + w.counts.failed, 0),
        };
      } finally {
        await leser.close();
        redis?.disconnect();
      }
    },
  };
}
