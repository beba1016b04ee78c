/** SMTP adapter of the Mailer port (nodemailer). */
import nodemailer from 'nodemailer';
import type { MailConfig } from './config';
import type { MailNachricht, Mailer } from './port';

export function createSmtpMailer(cfg: MailConfig): Mailer {
  const transport = nodemailer.createTransport(cfg.smtpUrl);
  return {
    async sende(n: MailNachricht) {
      const domain = /@([^>\s]+)>?\s*$/.exec(cfg.absender)?.[1] ?? 'aktenlauf.invalid';
      const info = (await transport.sendMail({
        from: cfg.absender,
        to: n.an,
        subject: n.betreff,
        text: n.text,
        ...(n.html ? { html: n.html } : {}),
        messageId: `<${n.nachrichtId}@${domain}>`,
        attachments: (n.anhaenge ?? []).map((a) => ({ filename: a.dateiname, content: a.inhalt, contentType: a.mimeType })),
      })) as { messageId: string };
      return { messageId: info.messageId };
    },
    async close() {
      transport.close();
    },
  };
}
