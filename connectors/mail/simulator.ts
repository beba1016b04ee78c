/**
 * SMTP sink simulator: accepts every message on 127.0.0.1 (no auth, no TLS — local only) and
 * stores it as `<n>.eml` under its folder. `nachrichten()` reads them back (tests, demo).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { RunningSimulator, SimulatorContext, SimulatorSpec } from '../simulator-registry';
import { MAIL_SIM_PORT_OFFSET } from './config';

export interface GespeicherteMail {
  datei: string;
  an: string[];
  roh: string;
}

export interface RunningMailSink extends RunningSimulator {
  url: string;
  port: number;
  dir: string;
  nachrichten(): GespeicherteMail[];
}

export async function startMailSink(o: { port: number; dir: string }): Promise<RunningMailSink> {
  fs.mkdirSync(o.dir, { recursive: true });
  let n = fs.readdirSync(o.dir).filter((f) => f.endsWith('.eml')).length;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'Aktenlauf SMTP-Simulator',
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        n += 1;
        const an = session.envelope.rcptTo.map((r) => r.address);
        const datei = path.join(o.dir, `${String(n).padStart(6, '0')}.eml`);
        const kopf = `X-Sim-Rcpt: ${an.join(', ')}\r\n`;
        fs.writeFileSync(datei, Buffer.concat([Buffer.from(kopf), ...chunks]));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    dir: o.dir,
    folders: { postfach: o.dir },
    nachrichten() {
      return fs
        .readdirSync(o.dir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => {
          const roh = fs.readFileSync(path.join(o.dir, f), 'utf8');
          const an = (/^X-Sim-Rcpt: (.*)$/m.exec(roh)?.[1] ?? '').split(', ').filter(Boolean);
          return { datei: f, an, roh };
        });
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const mailSimulator: SimulatorSpec = {
  id: 'mail',
  name: 'E-Mail-Postfach (SMTP-Simulator)',
  portOffset: MAIL_SIM_PORT_OFFSET,
  async start(ctx: SimulatorContext): Promise<RunningSimulator> {
    const sim = await startMailSink({ port: ctx.port, dir: ctx.dir });
    ctx.log.info({ url: sim.url }, 'SMTP sink running');
    return sim;
  },
};
