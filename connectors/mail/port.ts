/**
 * Port of outgoing e-mail (appointment confirmations, reminders, invitations to book again).
 * The adapter speaks SMTP (nodemailer); the simulator is a local SMTP sink (smtp-server) that
 * keeps every message as an .eml file, so tests and the demo can read what a citizen got.
 */
export interface MailAnhang {
  dateiname: string;
  inhalt: string | Buffer;
  mimeType: string;
}

export interface MailNachricht {
  an: string;
  betreff: string;
  text: string;
  html?: string;
  anhaenge?: MailAnhang[];
  /** Idempotency key (e.g. workflow id + step): sent as Message-ID, so a retried activity is recognisable. */
  nachrichtId: string;
}

export interface Mailer {
  sende(n: MailNachricht): Promise<{ messageId: string }>;
  close(): Promise<void>;
}
