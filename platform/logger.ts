/**
 * Structured logging (pino). Log lines carry opaque keys only (workflow ids, content hashes),
 * never names or numbers of people; the redact list is a second line of defence.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(name: string, level: string = process.env.AKTENLAUF_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { svc: name },
    redact: { paths: ['*.password', '*.name', '*.vorname', '*.nachname', '*.geburtsdatum', '*.iban', '*.fileName', 'password'], censor: '[geschwärzt]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
