/**
 * E-mail intake of the Posteingang: an SMTP listener the Jobcenter's mail system delivers the
 * Funktionspostfach to (an Exchange send connector / a transport rule to this smart host, or a
 * Postfix `always_bcc`/alias). Only the relay's addresses may deliver (INTAKE_MAIL_ERLAUBT).
 *
 * Nothing is lost: "250" only after the e-mail is stored as delivered and every document of it is
 * stored and its workflow started; a technical failure answers "451" (temporary), so the relay keeps
 * the message and delivers it again — starting is idempotent, nothing is taken twice. A message over
 * the size limit is refused with "552" before its data is read (the relay bounces it: the citizen
 * learns it was too large, the Funktionspostfach still holds it).
 */
import { mitFrist } from '../platform/frist';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { Logger } from '../platform/logger';
import type { IntakeWatcher } from './intake-watcher';

export interface MailEingangOptionen {
  watcher: Pick<IntakeWatcher, 'nimmMail'>;
  log: Logger;
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  maxBytes: number;
  /** Client addresses allowed to deliver (the relay); IPv4-mapped IPv6 counts as IPv4. */
  erlaubt: string[];
  /** Longest wait for storing and starting before the relay gets "451" (default 60 s, well below a relay's data timeout). */
  antwortFristMs?: number;
}

export interface LaufenderMailEingang {
  port: number;
  url: string;
  stop(): Promise<void>;
}

class SmtpAntwort extends Error {
  constructor(message: string, readonly responseCode: number) {
    super(message);
  }
}

const ohnePraefix = (a: string) => a.replace(/^::ffff:/, '');

export async function starteMailEingang(o: MailEingangOptionen): Promise<LaufenderMailEingang> {
  const erlaubt = new Set(o.erlaubt.map(ohnePraefix));
  const server = new SMTPServer({
    name: 'aktenlauf-posteingang',
    banner: 'Aktenlauf Posteingang',
    size: o.maxBytes,
    // Inside the Jobcenter's network, behind its mail relay: who may deliver is decided by address.
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(session, callback) {
      if (erlaubt.has(ohnePraefix(session.remoteAddress))) return callback();
      o.log.warn({ von: session.remoteAddress }, 'intake: e-mail delivery from an address not allowed');
      return callback(new SmtpAntwort('Einlieferung nur über das Mail-Gateway des Jobcenters', 554));
    },
    onData(stream: SMTPServerDataStream, _session, callback) {
      const teile: Buffer[] = [];
      stream.on('data', (c: Buffer) => teile.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(new SmtpAntwort(`Nachricht zu groß (höchstens ${Math.round(o.maxBytes / 1024 / 1024)} MB)`, 552));
          return;
        }
        // Temporal hanging must not hang the relay: after the deadline it gets 451 and delivers again later;
        // what finishes meanwhile is found then as already started (nothing twice, nothing lost).
        mitFrist(o.watcher.nimmMail(Buffer.concat(teile)), o.antwortFristMs ?? 60_000, () => new Error('Frist für die Übernahme überschritten')).then(
          (r) => callback(null, `Übernommen: ${r.eingaenge.length} Dokument(e), Eingangsdatum ${r.eingangsdatum}`),
          (err: unknown) => {
            o.log.warn({ err: (err as Error).message }, 'intake: e-mail not taken, relay will retry');
            callback(new SmtpAntwort('Vorübergehend nicht möglich, bitte später erneut einliefern', 451));
          },
        );
      });
    },
  });
  server.on('error', (err) => o.log.warn({ err: err.message }, 'intake: SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    port,
    url: `smtp://${o.host}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
