import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ladeRegeln, pruefeRegeln, regelnPfad, RegelnFehler, wendeRegelnAn } from '../../activities/erkennung/regeln';
import { erkennungsKonfigAusEnv, STANDARD_SCHWELLE } from '../../activities/erkennung/klassifikation-konfig';

const regel = (r: Record<string, unknown>) => ({ name: 'r', dokumentart: 'WIDERSPRUCH', algorithmus: 'any', muster: 'x', gewicht: 1, ...r });

describe('Erkennungsregeln', () => {
  it('the shipped rules are valid', () => {
    const w = ladeRegeln();
    expect(w.regeln.length).toBeGreaterThan(5);
    expect(w.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches any / all / exact / regex on the normalised text (umlauts folded, case ignored)', () => {
    const w = pruefeRegeln({
      version: 1,
      regeln: [
        regel({ name: 'any', algorithmus: 'any', muster: 'Überprüfung Klage', dokumentart: 'UEBERPRUEFUNGSANTRAG', gewicht: 2 }),
        regel({ name: 'all', algorithmus: 'all', muster: 'Kontoauszug Kontostand', dokumentart: 'KONTOAUSZUG' }),
        regel({ name: 'exact', algorithmus: 'exact', muster: 'lege ich Widerspruch ein' }),
        regel({ name: 'regex', algorithmus: 'regex', muster: '§\\s*44\\s*SGB\\s*X', dokumentart: 'UEBERPRUEFUNGSANTRAG', gewicht: 1.5 }),
        regel({ name: 'gross', algorithmus: 'exact', muster: 'WIDERSPRUCH', grossKlein: true, gewicht: -1 }),
      ],
    });
    const r = wendeRegelnAn(w, 'Hiermit beantrage ich die ÜBERPRÜFUNG nach § 44 SGB X.\nDaher  lege ich   Widerspruch ein. Kontostand');
    expect(r.treffer).toEqual(['any', 'exact', 'regex']);
    expect(r.bonus).toEqual({ UEBERPRUEFUNGSANTRAG: 3.5, WIDERSPRUCH: 1 });
    expect(wendeRegelnAn(w, 'WIDERSPRUCH').treffer).toEqual(['gross']);
    expect(wendeRegelnAn(w, 'Kontoauszug Nr. 3, neuer Kontostand').treffer).toEqual(['all']);
  });

  it('names every problem of a broken rules file in German, with its place', () => {
    const kaputt = {
      version: 1,
      regeln: [
        regel({ name: 'a', algorithmus: 'fuzzy' }),
        regel({ name: 'b', dokumentart: 'ANTRAG' }),
        regel({ name: 'c', algorithmus: 'regex', muster: '(offen' }),
        regel({ name: 'a', gewicht: 50 }),
      ],
    };
    let fehler: unknown;
    try {
      pruefeRegeln(kaputt, 'regeln-test.json');
    } catch (err) {
      fehler = err;
    }
    expect(fehler).toBeInstanceOf(RegelnFehler);
    const text = (fehler as Error).message;
    expect(text).toContain('Erkennungsregeln in regeln-test.json sind ungültig');
    expect(text).toContain('regeln.0.algorithmus: muss any, all, exact oder regex sein');
    expect(text).toContain('regeln.1.dokumentart: muss eine von HAUPTANTRAG');
    expect(text).toContain('regeln.3.gewicht');
    // regex and duplicate checks run once the shape is right
    expect(() => pruefeRegeln({ version: 1, regeln: [regel({ name: 'c', algorithmus: 'regex', muster: '(offen' }), regel({ name: 'c' })] })).toThrow(
      /regeln\.0\.muster: ungültiger regulärer Ausdruck[\s\S]*regeln\.1\.name: Name „c“ doppelt/,
    );
    expect(() => pruefeRegeln({ version: 2, regeln: [] })).toThrow(/version: version muss 1 sein/);
    expect(() => pruefeRegeln({ version: 1, regeln: [regel({ unbekannt: true })] })).toThrow(/regeln\.0/);
  });

  it('ERKENNUNG_REGELN points to another file; unreadable or non-JSON files give a clear error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erkennung-regeln-'));
    const datei = path.join(dir, 'regeln.json');
    fs.writeFileSync(datei, JSON.stringify({ version: 1, regeln: [regel({ name: 'eigene' })] }));
    expect(regelnPfad({ ERKENNUNG_REGELN: datei })).toBe(datei);
    expect(ladeRegeln(regelnPfad({ ERKENNUNG_REGELN: datei })).regeln.map((r) => r.name)).toEqual(['eigene']);
    expect(erkennungsKonfigAusEnv({ ERKENNUNG_REGELN: datei }).regelnPfad).toBe(datei);
    fs.writeFileSync(datei, '{ "version": 1, ');
    expect(() => ladeRegeln(datei)).toThrow(/sind kein gültiges JSON/);
    expect(() => ladeRegeln(path.join(dir, 'fehlt.json'))).toThrow(/nicht lesbar: ENOENT/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ERKENNUNG_SCHWELLE: default and validation', () => {
    expect(erkennungsKonfigAusEnv({}).schwelle).toBe(STANDARD_SCHWELLE);
    expect(erkennungsKonfigAusEnv({ ERKENNUNG_SCHWELLE: '0.8' }).schwelle).toBe(0.8);
    expect(() => erkennungsKonfigAusEnv({ ERKENNUNG_SCHWELLE: '1.5' })).toThrow(/ERKENNUNG_SCHWELLE muss eine Zahl zwischen 0 und 1/);
  });
});
