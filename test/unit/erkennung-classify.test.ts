import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classify, klassifiziereDateien } from '../../cli/classify';
import { alsPdf, erzeugeBrief } from '../../testdaten/posteingang';
import { mulberry32 } from '../../domain/zufall';
import type { Eingangsart } from '../../domain/posteingang';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erkennung-classify-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function brief(art: Eingangsart, seed: number) {
  return erzeugeBrief(mulberry32(seed), art, { bgQuote: 1, verwechsler: false });
}

/** Runs `aktenlauf classify …` in a child process (pdf.js needs a real Node module loader, not jest's). */
function aktenlauf(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const hook = path.join(dir, 'swc-register.js');
  fs.writeFileSync(
    hook,
    `const fs = require('node:fs');
const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
require.extensions['.ts'] = function (module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  module._compile(code, filename);
};`,
  );
  const runner = path.join(dir, 'run.js');
  fs.writeFileSync(runner, `require(${JSON.stringify(path.resolve(__dirname, '../../cli/aktenlauf.ts'))}).main(process.argv.slice(2)).then((c) => process.exit(c));`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', hook, runner, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AKTENLAUF_DATA_DIR: dataDir, AKTENLAUF_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('aktenlauf classify', () => {
  it('classifies generated born-digital PDFs (test-letter generator), reports bad files with a German reason and goes on, in input order (--json: one object per line)', async () => {
    const widerspruch = brief('WIDERSPRUCH', 11);
    const kontoauszug = brief('KONTOAUSZUG', 12);
    const a = path.join(dir, 'a.pdf');
    const kaputt = path.join(dir, 'kaputt.pdf');
    const c = path.join(dir, 'c.pdf');
    const leer = path.join(dir, 'leer.pdf');
    const fehlt = path.join(dir, 'fehlt.pdf');
    fs.writeFileSync(a, await alsPdf(widerspruch));
    fs.writeFileSync(kaputt, 'kein PDF, nur Text');
    fs.writeFileSync(c, await alsPdf(kontoauszug));
    fs.writeFileSync(leer, '');

    const { code, stdout, stderr } = await aktenlauf(['classify', a, kaputt, fehlt, c, leer, '--json'], path.join(dir, 'data'));
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const r = stdout.trim().split('\n').map((z) => JSON.parse(z) as Record<string, unknown>);
    expect(r.map((x) => x.file)).toEqual([a, kaputt, fehlt, c, leer]);
    expect(r[1]).toEqual({ file: kaputt, error: 'Dateiformat nicht erkannt (erwartet: PDF, TIFF, PNG oder JPEG)' });
    expect(r[2]).toEqual({ file: fehlt, error: 'Datei nicht gefunden' });
    expect(r[4]).toEqual({ file: leer, error: 'Datei ist leer' });
    expect(r[0]).toMatchObject({
      dokumentart: 'WIDERSPRUCH',
      bgNummer: widerspruch.wahrheit.bgNummer,
      kundennummer: widerspruch.wahrheit.kundennummer ?? null,
      ocr: { used: false, meanConfidence: null },
    });
    expect(r[0]!.confidence).toBeGreaterThan(0.5);
    expect(r[0]!.pages).toBeGreaterThanOrEqual(1);
    expect(r[0]!.modellVersion).toMatch(/^m-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}/);
    expect(r[0]!.dokumente).toBeUndefined();
    expect(r[3]).toMatchObject({ dokumentart: 'KONTOAUSZUG', bgNummer: kontoauszug.wahrheit.bgNummer });
  });

  it('in-process: one error per file, in order, each reported as it comes', async () => {
    const seen: string[] = [];
    const r = await klassifiziereDateien([path.join(dir, 'nichts.pdf'), dir], { ergebnis: (x) => seen.push(x.file) });
    expect(r).toEqual([
      { file: path.join(dir, 'nichts.pdf'), error: 'Datei nicht gefunden' },
      { file: dir, error: 'ist ein Verzeichnis, keine Datei' },
    ]);
    expect(seen).toEqual([path.join(dir, 'nichts.pdf'), dir]);
  });

  it('without files: usage on stderr, exit code 2', async () => {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await classify([], { json: true })).toBe(2);
      expect(String(spy.mock.calls[0]?.[0])).toContain('Aufruf: aktenlauf classify');
    } finally {
      spy.mockRestore();
    }
  });
});
