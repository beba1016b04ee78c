/**
 * The README's first command, end to end: `aktenlauf up` (the compiled CLI that `npm start`
 * runs) brings up Temporal, Redis, worker, intake, console and simulators on a fresh data
 * dir; doctor is green; a dropped file is listed in the console; Ctrl-C stops every child;
 * a second start keeps the data of the first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_PASSWORD, testStack, uniqueName } from '../helpers/env';
import nodemailer from 'nodemailer';
import { freePort } from '../helpers/ports';
import { alive } from '../../scripts/stack/process';
import { Agent, csrfOf } from '../helpers/http-agent';
import { eventually } from '../helpers/engine';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'aktenlauf.js');

let env: NodeJS.ProcessEnv;
let dataDir: string;
let consoleUrl: string;
let mailUrl: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'aktenlauf.js'))) {
    throw new Error('dist/ fehlt: `npm test` baut vor Jest; einzeln zuerst `npm run build` ausführen.');
  }
  dataDir = path.join(testStack().root, uniqueName('stack'));
  const [temporalPort, uiPort, consolePort, redisPort, simPort, intakePort, mailPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(6), freePort(), freePort()]);
  consoleUrl = `http://127.0.0.1:${consolePort}`;
  mailUrl = `smtp://127.0.0.1:${mailPort}`;
  env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(REDIS_URL|TEMPORAL_|AKTENLAUF_|CONSOLE_|INTAKE_|SIMULATOR_)/.test(k)) delete env[k];
  Object.assign(env, {
    AKTENLAUF_DATA_DIR: dataDir,
    AKTENLAUF_LOG_LEVEL: 'warn',
    TEMPORAL_CLI: testStack().temporalCli,
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    CONSOLE_PORT: String(consolePort),
    AKTENLAUF_REDIS_PORT: String(redisPort),
    SIMULATOR_PORT: String(simPort),
    INTAKE_PORT: String(intakePort),
    INTAKE_MAIL_PORT: String(mailPort),
    SIMULATOR_HOUSEHOLDS: '200',
    AKTENLAUF_DEMO_PASSWORD: TEST_PASSWORD,
    INTAKE_POLL_MS: '200',
    INTAKE_STABLE_MS: '300',
    // No demo letters: this test counts what it put into the hot folder itself.
    AKTENLAUF_DEMO_POST: '0',
  });
});

function startUp(): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, [BIN, 'up'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not up within 240 s:\n${out}`)), 240_000);
    child.stdout!.on('data', () => {
      if (out.includes('Beenden mit Strg+C.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`aktenlauf up exited with ${code}:\n${out}`));
    });
  });
  return { child, output: () => out, ready };
}

function pidsOf(runDir: string): number[] {
  if (!fs.existsSync(runDir)) return [];
  return fs.readdirSync(runDir).filter((f) => f.endsWith('.pid')).map((f) => Number(fs.readFileSync(path.join(runDir, f), 'utf8').split('\n')[0]));
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

async function consoleLists(workflowIdPrefix: string): Promise<boolean> {
  const agent = new Agent(consoleUrl);
  const page = await agent.request('/login');
  await agent.request('/login', { form: { _csrf: csrfOf(page.text), username: 'postkorb', password: TEST_PASSWORD } });
  const { text } = await agent.request('/posteingang');
  return text.includes(workflowIdPrefix);
}

/** Files and dirs under `dir` that other users of the machine could read or enter. */
function offenFuerAndere(dir: string): string[] {
  const offen: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() && !e.isDirectory()) continue;
    const full = path.join(e.parentPath, e.name);
    const mode = fs.statSync(full).mode & 0o777;
    if (mode & 0o077) offen.push(`${path.relative(dir, full)} ${mode.toString(8)}`);
  }
  return offen;
}

test('up, doctor green, intake to console, clean stop, restart keeps the data', async () => {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 }); // as a shell mkdir leaves it
  fs.chmodSync(dataDir, 0o755);
  const first = startUp();
  await first.ready;
  expect(first.output()).toContain(`Konsole:            ${consoleUrl}`);
  expect(first.output()).toContain('Rechte 755 → 700');
  expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  const runDir = path.join(dataDir, 'run');
  const pids = pidsOf(runDir);
  expect(pids.length).toBe(8); // temporal, redis, worker, simulators, robots, ocr-pool, console, intake

  const doctor = spawnSync(process.execPath, [BIN, 'doctor', '--json'], { env, encoding: 'utf8', timeout: 60000 });
  const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: Array<{ id: string; ok: boolean }> };
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(doctor.status).toBe(0);

  // A second `up` on the same data dir refuses instead of fighting over the children.
  const twice = spawnSync(process.execPath, [BIN, 'up'], { env, encoding: 'utf8', timeout: 60000 });
  expect(twice.status).toBe(1);
  expect(twice.stdout).toContain('Aktenlauf läuft bereits');
  expect(pids.filter(alive)).toEqual(pids);

  const scanner = path.join(dataDir, 'intake', 'scanner');
  fs.writeFileSync(path.join(scanner, 'e2e.pdf'), `%PDF-1.4\n% e2e ${Date.now()}\n%%EOF\n`);
  await eventually(async () => !fs.existsSync(path.join(scanner, 'e2e.pdf')), 'file taken from the hot folder', 30000);
  const stored = fs.readdirSync(path.join(dataDir, 'store', 'eingang')).find((f) => f.endsWith('.pdf'))!;
  const workflowId = `eingang-${stored.slice(0, 40)}`;
  await eventually(() => consoleLists(workflowId), 'console lists the workflow', 30000);

  // The e-mail intake of the running stack: the relay's delivery is answered only after the start.
  expect(first.output()).toContain(`E-Mail-Eingang:     ${mailUrl}`);
  const transport = nodemailer.createTransport({ url: mailUrl, ignoreTLS: true });
  const info = await transport.sendMail({ from: 'buerger@example.org', to: 'posteingang@jobcenter.example', subject: 'Nachweis', text: 'Anbei.', attachments: [{ filename: 'nachweis.pdf', content: `%PDF-1.4\n% mail ${Date.now()}\n%%EOF\n` }] });
  transport.close();
  expect(info.response).toMatch(/^250 .*Übernommen: 1 Dokument/);
  expect(fs.readdirSync(path.join(dataDir, 'store', 'mail'))).toHaveLength(1);

  expect(await stop(first.child)).toBe(0);
  expect(first.output()).toContain('Alle Prozesse beendet.');
  expect(pids.filter(alive)).toEqual([]);
  expect(pidsOf(runDir)).toEqual([]);
  // Everything the stack wrote (database, Redis, originals, readings, logs, users, audit) is the service user's alone.
  expect(offenFuerAndere(dataDir)).toEqual([]);

  const second = startUp();
  await second.ready;
  try {
    await eventually(() => consoleLists(workflowId), 'console still lists the workflow after restart', 30000);
    // Same codec key as before: the stored result still decodes (no new key was generated).
    expect(second.output()).not.toContain('lokaler Schlüssel erzeugt');
  } finally {
    expect(await stop(second.child)).toBe(0);
  }
}, 480_000);
