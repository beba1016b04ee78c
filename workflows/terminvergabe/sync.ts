/**
 * terminSync: imports the Neuantrag bookings of the Landratsamt's Terminsystem (robot adapter)
 * for today and the next days into `terminvergabe` workflows (idempotent: id = HMAC of the
 * booking number; a moved booking updates its workflow by signal; a vanished one is cancelled,
 * its workflow waits a while in case it shows up on a later day). Started by a schedule or
 * by hand; one activity per day, so a failing day does not hold up the others.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

const { terminsystemAbgleich, terminsystemGeloeschte } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '3 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2, maximumAttempts: 5 },
});

export interface TerminSyncInput {
  /** First day (YYYY-MM-DD); default: today in Europe/Berlin. */
  ab?: string;
  /** Number of days including the first; default 3. */
  tage?: number;
}

const berlin = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

function plusTage(tag: string, n: number): string {
  const d = new Date(`${tag}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export async function terminSync(input: TerminSyncInput = {}): Promise<{ tage: Array<{ tag: string; neuantraege: number; verarbeitet: number; fehler?: string }>; geloescht: number | null }> {
  const ab = input.ab ?? berlin.format(new Date());
  const tage = input.tage ?? 3;
  const out: Array<{ tag: string; neuantraege: number; verarbeitet: number; fehler?: string }> = [];
  const gesehen: string[] = [];
  for (let i = 0; i < tage; i += 1) {
    const tag = plusTage(ab, i);
    try {
      const r = await terminsystemAbgleich({ tag });
      gesehen.push(...r.ids);
      out.push({ tag, neuantraege: r.neuantraege, verarbeitet: r.verarbeitet });
    } catch (err) {
      out.push({ tag, neuantraege: 0, verarbeitet: 0, fehler: (err as Error).message });
    }
  }
  // Only a complete picture may say a booking is gone (a failed day would look empty).
  if (out.some((d) => d.fehler)) return { tage: out, geloescht: null };
  const { geloescht } = await terminsystemGeloeschte({ von: ab, bis: plusTage(ab, tage - 1), gesehen });
  return { tage: out, geloescht };
}
