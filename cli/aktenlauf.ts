/**
 * The `aktenlauf` command: up, status, doctor, codec rotate.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../platform/config';
import { rotateKeyFile } from '../platform/codec';
import { checkStack, type Check } from '../scripts/stack/doctor';
import { up } from './up';
import { classify } from './classify';
import { auditCommand } from './audit';
import { userInfo } from 'node:os';
import { appendAudit, auditFile } from '../console/audit';
import { scheduleCommand } from './schedule';
import { intakeBefehl } from './intake';
import { schuetzeNeueDateien } from '../platform/lifecycle';

const HELP = `aktenlauf – Workflow-Engine für das Backoffice kommunaler Jobcenter

Befehle:
  up              startet den ganzen lokalen Stack (Temporal, Redis, Worker, Konsole, Simulatoren)
  status          zeigt, welche Teile des Stacks laufen (schnell)
  doctor          prüft jeden Teil des Stacks und sagt, was fehlt und wie es zu beheben ist
  schedule …      Zeitpläne: list | create | pause | unpause | trigger | backfill (aktenlauf schedule help)
  audit verify    prüft die Hash-Kette des Audit-Protokolls (--file <pfad>; Exit-Code 1 bei Bruch)
  classify DATEI… erkennt Dokumentart, BG-Nummer und Kundennummer von Dateien (ohne laufenden Stack; --json: eine Zeile JSON je Datei)
  intake PFAD…    übergibt Dateien/Ordner an den laufenden Posteingang und wartet auf die Übernahme (--no-wait, --timeout SEK, --json)
  codec rotate    erzeugt einen neuen aktiven Schlüssel in data/codec-keys.json (alte bleiben zum Entschlüsseln)
  help            diese Hilfe

Optionen:
  --json          Ausgabe als JSON (status, doctor)
`;

function printChecks(checks: Check[]): void {
  const width = Math.max(...checks.map((c) => c.label.length));
  for (const c of checks) {
    const mark = c.ok ? 'OK    ' : c.required ? 'FEHLER' : 'HINWEIS';
    process.stdout.write(`${mark.padEnd(7)} ${c.label.padEnd(width)}  ${c.detail}\n`);
    if (!c.ok && c.fix) process.stdout.write(`${' '.repeat(8 + width)}  → ${c.fix}\n`);
  }
}

async function runChecks(cfg: Config, launchBrowser: boolean, json: boolean): Promise<number> {
  const checks = await checkStack(cfg, { launchBrowser, redisUrl: process.env.AKTENLAUF_REDIS_URL_EFFECTIVE });
  const failed = checks.filter((c) => c.required && !c.ok);
  if (json) process.stdout.write(JSON.stringify({ ok: failed.length === 0, checks }, null, 2) + '\n');
  else {
    printChecks(checks);
    process.stdout.write(failed.length === 0 ? '\nAlles in Ordnung.\n' : `\n${failed.length} Problem(e) gefunden.\n`);
  }
  return failed.length === 0 ? 0 : 1;
}

/** The configuration, with the file mask applied (up passes it to all its children); undefined after saying what is wrong. */
function konfiguration(): Config | undefined {
  try {
    const cfg = loadConfig();
    schuetzeNeueDateien(cfg.umask);
    return cfg;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return undefined;
  }
}

export async function main(argv: string[]): Promise<number> {
  // Commands with their own options parse their arguments themselves (operations, cli/audit.ts, cli/schedule.ts).
  if (argv[0] === 'audit' || argv[0] === 'schedule') {
    const opsCfg = konfiguration();
    if (!opsCfg) return 2;
    return argv[0] === 'audit' ? auditCommand(argv.slice(1), opsCfg) : scheduleCommand(argv.slice(1), opsCfg);
  }
  if (argv[0] === 'intake') {
    const intakeCfg = konfiguration();
    return intakeCfg ? (await intakeBefehl(intakeCfg, argv.slice(1))).code : 2;
  }
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  const [command, sub] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  const cfg = konfiguration();
  if (!cfg) return 2;
  switch (command) {
    case 'up':
      return up(cfg);
    case 'status':
      return runChecks(cfg, false, values.json);
    case 'doctor':
      return runChecks(cfg, true, values.json);
    case 'classify':
      return classify(positionals.slice(1), { json: values.json, dataDir: cfg.dataDir });
    case 'codec':
      if (sub === 'rotate') {
        if (cfg.codec.keysFromEnv) {
          process.stderr.write('AKTENLAUF_CODEC_KEYS ist gesetzt: Schlüssel werden dort rotiert (neuen Schlüssel vorne anfügen), nicht in der Datei.\n');
          return 2;
        }
        const ring = rotateKeyFile(cfg.codec.keyFile);
        // A credential change is audited (issue 7); the key itself never appears, only its id.
        await appendAudit(auditFile(cfg), { actor: `cli:${userInfo().username}`, role: 'cli', action: 'zugang.codec-schluessel', target: `neuer aktiver Schlüssel ${ring.activeKeyId}`, outcome: 'erfolg' });
        process.stdout.write(`Neuer aktiver Schlüssel: ${ring.activeKeyId} (${ring.keys.size} Schlüssel im Bund). Worker und Konsole neu starten.\n`);
        return 0;
      }
      break;
  }
  process.stderr.write(`Unbekannter Befehl: ${[command, sub].filter(Boolean).join(' ')}\n\n${HELP}`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`FEHLER: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
