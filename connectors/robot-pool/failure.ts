/**
 * How a robot job's failure travels through BullMQ: the job's `failedReason` is one readable
 * line `<Art>[<CODE>]: <Meldung>[ | Artefakte: <Pfad>]`, parsed back by the client into a
 * BusinessError or TechnicalError. Messages carry no names or numbers of people (the robot
 * functions' errors never do), so the line may appear in the console and in logs.
 */
import { BusinessError, TechnicalError } from '../errors';

export interface RobotFailure {
  art: 'BusinessError' | 'TechnicalError';
  code: string;
  meldung: string;
  /** Folder with screenshot and page HTML of the failed attempt (technical failures). */
  artefakte?: string;
}

const LINE = /^(BusinessError|TechnicalError)\[([A-Z0-9_]+)\]: (.*?)(?: \| Artefakte: (.+))?$/s;

export function formatFailure(f: RobotFailure): string {
  const meldung = f.meldung.replace(/\s+/g, ' ').trim();
  return `${f.art}[${f.code}]: ${meldung}${f.artefakte ? ` | Artefakte: ${f.artefakte}` : ''}`;
}

export function parseFailure(reason: string | undefined | null): RobotFailure | undefined {
  if (!reason) return undefined;
  const m = LINE.exec(reason.trim());
  if (!m) return undefined;
  return { art: m[1] as RobotFailure['art'], code: m[2]!, meldung: m[3]!, ...(m[4] ? { artefakte: m[4] } : {}) };
}

/** The connector error for a failed job's reason; reasons BullMQ wrote itself are technical. */
export function failureToError(reason: string | undefined | null): BusinessError | TechnicalError {
  const f = parseFailure(reason);
  if (f?.art === 'BusinessError') return new BusinessError(f.code, f.meldung);
  if (f) {
    const err = new TechnicalError(f.code, f.artefakte ? `${f.meldung} (Bildschirmfoto und Seite: ${f.artefakte})` : f.meldung);
    if (f.artefakte) Object.assign(err, { artefakte: f.artefakte });
    return err;
  }
  if (reason && /stalled/i.test(reason)) {
    return new TechnicalError('ROBOTER_ABGEBROCHEN', 'Der Roboter ist mehrfach während des Auftrags ausgefallen.');
  }
  if (reason && /timed out/i.test(reason)) {
    return new TechnicalError('ZEITUEBERSCHREITUNG', 'Der Roboterauftrag wurde nicht rechtzeitig fertig.');
  }
  return new TechnicalError('ROBOTER_FEHLER', `Roboterauftrag fehlgeschlagen: ${(reason ?? 'ohne Angabe').slice(0, 300)}`);
}
