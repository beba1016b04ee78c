/**
 * Configuration of outgoing e-mail. Unset MAIL_SMTP_URL = the local SMTP sink of the
 * simulators (SIMULATOR_PORT + 5).
 */
import { z } from 'zod';

export const MAIL_SIM_PORT_OFFSET = 5;

const schema = z.object({
  MAIL_SMTP_URL: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  MAIL_ABSENDER: z.string().trim().min(3).default('Jobcenter Landkreis – Terminvergabe <termine@jobcenter-landkreis.example>'),
  SIMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
});

export interface MailConfig {
  smtpUrl: string;
  absender: string;
}

export function loadMailConfig(env: NodeJS.ProcessEnv = process.env): MailConfig {
  const e = schema.parse(env);
  return { smtpUrl: e.MAIL_SMTP_URL ?? `smtp://127.0.0.1:${e.SIMULATOR_PORT + MAIL_SIM_PORT_OFFSET}`, absender: e.MAIL_ABSENDER };
}
