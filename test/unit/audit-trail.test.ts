/**
 * The audit trail beyond one file: monthly segments, retention with an anchor, repair of a
 * line cut off by a killed process (also with a real SIGKILL mid-write), writers in two
 * processes, search, and `aktenlauf audit verify`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transformFileSync } from '@swc/core';
import {
  AuditLog, anchorFile, appendAudit, entryHash, listSegments, pruneAuditSegments, readAuditEntries, searchAudit, segmentDir, verifyAuditTrail, type AuditEntry,
} from '../../console/audit';
import { auditCommand } from '../../cli/audit';
import { main } from '../../cli/aktenlauf';

const ev = (actor: string, action = 'seite.ansehen', target = '/x') => ({ actor, role: 'it-admin', action, target, outcome: 'erfolg' as const });

function tmpFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aktenlauf-audit-'));
  return path.join(dir, 'audit', 'audit.jsonl');
}

class Sink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Sink();
  const err = new Sink();
  const code = await auditCommand(args, { dataDir: '/nicht-benutzt' }, out as unknown as NodeJS.WritableStream, err as unknown as NodeJS.WritableStream);
  return { code, out: out.text, err: err.text };
}

/** Rewrites the ts of every entry of a file and re-chains it (to create "old" segments for retention tests). */
function backdate(file: string, start: string, iso: string): string {
  let prev = start;
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const e = JSON.parse(l) as AuditEntry;
    const body = { ts: iso, actor: e.actor, role: e.role, action: e.action, target: e.target, outcome: e.outcome };
    const next = { ...body, prev, hash: entryHash(prev, body) };
    prev = next.hash;
    return JSON.stringify(next);
  });
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return prev;
}

test('rotation: segments continue the chain; verify walks all files; a deleted middle segment breaks it', async () => {
  const file = tmpFile();
  const log = await AuditLog.open(file);
  await log.append(ev('a'));
  await log.append(ev('b'));
  await log.rotate();
  await log.append(ev('c'));
  await log.rotate();
  const last = await log.append(ev('d'));
  await log.close();
  expect(listSegments(file).map((s) => s.seq)).toEqual([1, 2]);
  const v = await verifyAuditTrail(file);
  expect(v).toMatchObject({ ok: true, entries: 4, files: 3, lastHash: last.hash });
  const all: string[] = [];
  for await (const e of readAuditEntries(file)) all.push(e.actor);
  expect(all).toEqual(['a', 'b', 'c', 'd']);
  expect((await cli(['verify', '--file', file])).code).toBe(0);
  // The real command line routes `aktenlauf audit verify --file …` to the same check.
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await main(['audit', 'verify', '--file', file])).toBe(0);
  } finally {
    write.mockRestore();
  }

  fs.rmSync(listSegments(file)[1]!.file);
  const write2 = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await main(['audit', 'verify', '--file', file])).toBe(1);
  } finally {
    write2.mockRestore();
  }
  const broken = await verifyAuditTrail(file);
  expect(broken.ok).toBe(false);
  expect(broken.broken).toMatchObject({ file, line: 1 });
  const r = await cli(['verify', '--file', file]);
  expect(r.code).toBe(1);
  expect(r.out).toContain('Kette gebrochen');
  expect(r.out).toContain('Zeile 1');
  expect(r.out).toContain('"actor":"d"');
});

test('a changed entry is reported with its line; the CLI exits 1 and shows it', async () => {
  const file = tmpFile();
  for (const a of ['a', 'b', 'c']) await appendAudit(file, ev(a));
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[1] = lines[1]!.replace('"actor":"b"', '"actor":"x"');
  fs.writeFileSync(file, lines.join('\n'));
  const r = await cli(['verify', '--file', file]);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/Zeile 2: Prüfsumme passt nicht zum Inhalt/);
  expect(r.out).toContain('1 Einträge davor sind unversehrt');
  expect((await cli(['prüfen'])).code).toBe(2);
});

test('retention deletes only old closed segments, writes the anchor first, and the trail still verifies', async () => {
  const file = tmpFile();
  const log = await AuditLog.open(file);
  await log.append(ev('alt1'));
  await log.append(ev('alt2'));
  await log.rotate();
  await log.append(ev('neu1'));
  await log.rotate();
  await log.append(ev('aktiv'));
  await log.close();
  const [s1, s2] = listSegments(file);
  // Segment 1 is from 2020, segment 2 from today.
  const h1 = backdate(s1!.file, '0'.repeat(64), '2020-01-15T10:00:00.000Z');
  const s2Lines = fs.readFileSync(s2!.file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry);
  // Re-chain segment 2 and the active file onto the backdated segment 1.
  let prev = h1;
  const rechain = (f: string, es: AuditEntry[]) => {
    fs.writeFileSync(f, es.map((e) => {
      const body = { ts: e.ts, actor: e.actor, role: e.role, action: e.action, target: e.target, outcome: e.outcome };
      const n = { ...body, prev, hash: entryHash(prev, body) };
      prev = n.hash;
      return JSON.stringify(n);
    }).join('\n') + '\n');
  };
  rechain(s2!.file, s2Lines);
  rechain(file, fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry));
  expect((await verifyAuditTrail(file)).ok).toBe(true);

  const dry = await pruneAuditSegments(file, new Date('2025-01-01T00:00:00Z'), { dryRun: true });
  expect(dry).toMatchObject({ deletedSegments: 1, deletedEntries: 2 });
  expect(fs.existsSync(s1!.file)).toBe(true);

  const res = await pruneAuditSegments(file, new Date('2025-01-01T00:00:00Z'));
  expect(res).toMatchObject({ deletedSegments: 1, deletedEntries: 2 });
  expect(res.bytes).toBeGreaterThan(0);
  expect(fs.existsSync(s1!.file)).toBe(false);
  expect(fs.existsSync(s2!.file)).toBe(true);
  expect(JSON.parse(fs.readFileSync(anchorFile(file), 'utf8'))).toMatchObject({ prev: h1, segment: 1, entfernt: 2, bis: '2020-01-15T10:00:00.000Z' });
  const v = await verifyAuditTrail(file);
  expect(v).toMatchObject({ ok: true, entries: 2 });
  const r = await cli(['verify', '--file', file]);
  expect(r.code).toBe(0);
  expect(r.out).toContain('ab Anker (Segment 1, 2 Einträge per Aufbewahrung entfernt');

  // A second run deletes nothing young; the next rotation numbers after the anchor.
  expect(await pruneAuditSegments(file, new Date('2025-01-01T00:00:00Z'))).toMatchObject({ deletedSegments: 0 });
  const again = await AuditLog.open(file);
  await again.rotate();
  await again.append(ev('danach'));
  await again.close();
  expect(listSegments(file).map((s) => s.seq)).toEqual([2, 3]);
  expect((await verifyAuditTrail(file)).ok).toBe(true);
});

test('an incomplete last line (writer killed mid-write) is cut off at start, saved, recorded, and the chain verifies', async () => {
  const file = tmpFile();
  await appendAudit(file, ev('a'));
  const b = await appendAudit(file, ev('b'));
  const partial = '{"ts":"2026-11-26T10:00:00.000Z","actor":"c","ro';
  fs.appendFileSync(file, partial);
  expect((await verifyAuditTrail(file)).ok).toBe(false);
  const log = await AuditLog.open(file);
  expect(log.repaired?.bytes).toBe(Buffer.byteLength(partial));
  const c = await log.append(ev('c'));
  await log.close();
  const v = await verifyAuditTrail(file);
  expect(v).toMatchObject({ ok: true, entries: 4, lastHash: c.hash });
  const entries: AuditEntry[] = [];
  for await (const e of readAuditEntries(file)) entries.push(e);
  expect(entries[2]).toMatchObject({ actor: '(system)', action: 'audit.reparatur', prev: b.hash });
  expect(entries[2]!.target).toContain(`unvollständige letzte Zeile (${Buffer.byteLength(partial)} Bytes)`);
  const saved = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('defekt-'));
  expect(saved).toHaveLength(1);
  expect(fs.readFileSync(path.join(path.dirname(file), saved[0]!), 'utf8')).toContain('"actor":"c","ro');
});

test('a process killed with SIGKILL while appending leaves a trail that verifies after the next open', async () => {
  const file = tmpFile();
  // Compile console/audit.ts for a plain node child (the child must not run under jest).
  const outDir = path.join(path.dirname(path.dirname(file)), 'kind');
  fs.mkdirSync(path.join(outDir, 'console'), { recursive: true });
  const { code } = transformFileSync(path.resolve(__dirname, '../../console/audit.ts'), { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  fs.writeFileSync(path.join(outDir, 'console', 'audit.js'), code);
  const script = path.join(outDir, 'schreiber.js');
  fs.writeFileSync(script, `
const { AuditLog } = require('./console/audit.js');
(async () => {
  const log = await AuditLog.open(${JSON.stringify(file)});
  let n = 0;
  for (;;) {
    n += 1;
    await log.append({ actor: 'kind', role: 'it-admin', action: 'last', target: 'x'.repeat(2000) + n, outcome: 'erfolg' });
    if (n === 20) process.stdout.write('bereit\\n');
  }
})();
`);
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('bereit')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`child ended early: ${c}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  // A lock the dead writer may still hold is broken at once (its process is gone).
  const log = await AuditLog.open(file);
  const after = await log.append(ev('nach-absturz'));
  await log.close();
  const v = await verifyAuditTrail(file);
  expect(v.ok).toBe(true);
  expect(v.lastHash).toBe(after.hash);
  expect(v.entries).toBeGreaterThanOrEqual(21);
});

test('two writers in one process family (console + CLI) keep one chain', async () => {
  const file = tmpFile();
  const konsole = await AuditLog.open(file);
  await konsole.append(ev('konsole-1'));
  await appendAudit(file, ev('cli-1')); // another writer between two console appends
  await konsole.append(ev('konsole-2'));
  await konsole.rotate();
  await appendAudit(file, ev('cli-2')); // writes into the new active file
  await konsole.append(ev('konsole-3'));
  await konsole.close();
  const v = await verifyAuditTrail(file);
  expect(v).toMatchObject({ ok: true, entries: 5 });
  expect(fs.readdirSync(segmentDir(file))).toEqual(['audit-000001.jsonl']);
});

test('search filters by actor, action prefix, time and target text, newest first, with a limit', async () => {
  const file = tmpFile();
  await appendAudit(file, ev('anna', 'zeitplan.pausieren', 'aufbewahrung (Notiz: Wartung)'));
  await appendAudit(file, ev('bernd', 'zeitplan.ausloesen', 'betriebsbericht'));
  await appendAudit(file, ev('anna', 'anmeldung', 'Konsole'));
  await appendAudit(file, ev('anna', 'zeitplan.nachholen', 'aufbewahrung 01.11.–03.11.'));
  const r = await searchAudit(file, { actor: 'anna', action: 'zeitplan.' }, 10);
  expect(r.entries.map((e) => e.action)).toEqual(['zeitplan.nachholen', 'zeitplan.pausieren']);
  expect((await searchAudit(file, { text: 'WARTUNG' }, 10)).entries).toHaveLength(1);
  expect((await searchAudit(file, { bis: new Date('2000-01-01') }, 10)).total).toBe(0);
  const lim = await searchAudit(file, {}, 2);
  expect(lim).toMatchObject({ total: 4, truncated: true });
  expect(lim.entries.map((e) => e.actor)).toEqual(['anna', 'anna']);
  expect(lim.entries[0]!.action).toBe('zeitplan.nachholen');
});

test('many concurrent appends (group commit) resolve in order, each linked to the one before', async () => {
  const file = tmpFile();
  const log = await AuditLog.open(file);
  const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(ev(`u${i}`))));
  await log.close();
  expect(entries.map((e) => e.actor)).toEqual(Array.from({ length: 50 }, (_, i) => `u${i}`));
  for (let i = 1; i < entries.length; i += 1) expect(entries[i]!.prev).toBe(entries[i - 1]!.hash);
  expect(await verifyAuditTrail(file)).toMatchObject({ ok: true, entries: 50, lastHash: entries[49]!.hash });
  await expect(log.append(ev('zu'))).rejects.toThrow('geschlossen');
});

test('the first append in a new month closes the active file as a segment (monthly segments)', async () => {
  const file = tmpFile();
  await appendAudit(file, ev('vormonat'));
  const last = backdate(file, '0'.repeat(64), '2020-01-31T23:00:00.000Z');
  const log = await AuditLog.open(file);
  const e = await log.append(ev('neuer-monat'));
  await log.close();
  expect(e.prev).toBe(last);
  expect(listSegments(file)).toHaveLength(1);
  expect(fs.readFileSync(listSegments(file)[0]!.file, 'utf8')).toContain('"actor":"vormonat"');
  expect(fs.readFileSync(file, 'utf8')).not.toContain('vormonat');
  expect(await verifyAuditTrail(file)).toMatchObject({ ok: true, entries: 2, files: 2 });
});
