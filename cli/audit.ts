/**
 * `aktenlauf audit verify [--file <audit.jsonl>] [--json]`: re-computes the hash chain of the
 * audit trail (anchor → segments → active file). Exit code 0 when intact, 1 when broken (the
 * first broken entry is printed), 2 on wrong usage. Read-only: it never repairs or writes.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { auditFile, verifyAuditTrail } from '../console/audit';
import type { Config } from '../platform/config';

export const AUDIT_HELP = `aktenlauf audit verify [--file <pfad>] [--json]
  prüft die Hash-Kette des Audit-Protokolls (Anker, Segmente, aktuelle Datei).
  Exit-Code 0: unversehrt, 1: Kette gebrochen (erste fehlerhafte Zeile wird ausgegeben).
`;

export async function auditCommand(argv: string[], cfg: Pick<Config, 'dataDir'>, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { file: { type: 'string' }, json: { type: 'boolean', default: false } } });
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${AUDIT_HELP}`);
    return 2;
  }
  const [sub] = parsed.positionals;
  if (sub !== 'verify') {
    err.write(`Unbekannter Unterbefehl: audit ${sub ?? ''}\n\n${AUDIT_HELP}`);
    return 2;
  }
  const file = parsed.values.file ? path.resolve(parsed.values.file) : auditFile(cfg as Config);
  let v;
  try {
    v = await verifyAuditTrail(file);
  } catch (e) {
    err.write(`Audit-Protokoll nicht lesbar: ${(e as Error).message}\n`);
    return 1;
  }
  if (parsed.values.json) {
    out.write(JSON.stringify({ file, ...v }, null, 2) + '\n');
    return v.ok ? 0 : 1;
  }
  const start = v.anchor ? `ab Anker (Segment ${v.anchor.segment}, ${v.anchor.entfernt} Einträge per Aufbewahrung entfernt bis ${v.anchor.bis})` : 'ab Beginn';
  if (v.ok) {
    out.write(`OK: ${v.entries} Einträge in ${v.files} Datei(en) geprüft, ${start}. Letzter Hash: ${v.lastHash}\n`);
    return 0;
  }
  const b = v.broken!;
  out.write(`FEHLER: Kette gebrochen in ${b.file}, Zeile ${b.line}: ${b.reason}.\n`);
  if (b.text !== undefined) out.write(`  Zeile: ${b.text}\n`);
  out.write(`  ${v.entries} Einträge davor sind unversehrt (${start}).\n`);
  return 1;
}
