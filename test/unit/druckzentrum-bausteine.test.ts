/**
 * Building blocks of the print-centre connector: configuration, file formats, status rules,
 * the E-POST field mapping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CredentialError } from '../../connectors/credentials';
import { EPOST_SIMULATOR_ZUGANG, loadDruckzentrumConfig } from '../../connectors/druckzentrum/config';
import { baueManifest, FormatFehler, leseManifest, leseStatusdatei } from '../../connectors/druckzentrum/dropfolder/format';
import { anschriftFelder } from '../../connectors/druckzentrum/epost/adapter';
import { epostBatchNummer } from '../../connectors/druckzentrum/epost/protocol';
import { gesamtStatus, pruefeAuftrag } from '../../connectors/druckzentrum/port';
import { schritteAusEnv } from '../../connectors/druckzentrum/simulator';

describe('Konfiguration des Zentraldrucks', () => {
  test('ohne Variablen: Übergabeordner des Simulators unter dem Datenverzeichnis', () => {
    const c = loadDruckzentrumConfig({}, '/daten');
    expect(c).toMatchObject({
      adapter: 'ordner',
      einlieferungDir: '/daten/sim/druckzentrum-ordner/einlieferung',
      statusDir: '/daten/sim/druckzentrum-ordner/status',
      journalDir: '/daten/druckzentrum/journal',
      timeoutMs: 30000,
    });
  });

  test('E-POST ohne EPOST_URL: der API-Simulator mit Demo-Zugang', () => {
    const c = loadDruckzentrumConfig({ DRUCKZENTRUM_ADAPTER: 'epost', SIMULATOR_PORT: '5000' }, '/daten');
    if (c.adapter !== 'epost') throw new Error('epost erwartet');
    expect(c).toMatchObject({ url: 'http://127.0.0.1:5003', simulator: true, vendorId: EPOST_SIMULATOR_ZUGANG.vendorId });
    expect(c.passwort.reveal()).toBe(EPOST_SIMULATOR_ZUGANG.password);
    expect(String(c.passwort)).toBe('[geheim]');
  });

  test('E-POST mit echter URL: keine Demo-Zugangsdaten, fehlende Angaben werden benannt', () => {
    const url = 'https://api.epost.example';
    expect(() => loadDruckzentrumConfig({ DRUCKZENTRUM_ADAPTER: 'epost', EPOST_URL: url }, '/d')).toThrow(/EPOST_VENDOR_ID/);
    expect(() => loadDruckzentrumConfig({ DRUCKZENTRUM_ADAPTER: 'epost', EPOST_URL: url, EPOST_VENDOR_ID: 'v', EPOST_EKP: '1' }, '/d')).toThrow(CredentialError);
    expect(() => loadDruckzentrumConfig({ DRUCKZENTRUM_ADAPTER: 'fax' }, '/d')).toThrow(/DRUCKZENTRUM_ADAPTER/);
    expect(() => loadDruckzentrumConfig({ DRUCKZENTRUM_ADAPTER: 'epost', EPOST_URL: 'kein url' }, '/d')).toThrow(/EPOST_URL/);
  });

  test('Passwort aus einer Datei, die nur der Eigentümer lesen darf', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dz-'));
    const datei = path.join(dir, 'pw');
    fs.writeFileSync(datei, 'aus-datei\n', { mode: 0o600 });
    const env = { DRUCKZENTRUM_ADAPTER: 'epost', EPOST_URL: 'https://api.epost.example', EPOST_VENDOR_ID: 'v', EPOST_EKP: '1', EPOST_PASSWORD_FILE: datei, EPOST_SECRET: 's' };
    const c = loadDruckzentrumConfig(env, '/d');
    if (c.adapter !== 'epost') throw new Error('epost erwartet');
    expect(c.passwort.reveal()).toBe('aus-datei');
    fs.chmodSync(datei, 0o644);
    expect(() => loadDruckzentrumConfig(env, '/d')).toThrow(/für andere lesbar/);
    fs.rmSync(dir, { recursive: true });
  });

  test('Schrittdauern des Simulators', () => {
    expect(schritteAusEnv({ DRUCKZENTRUM_SIM_SCHRITT_MS: '10' })).toEqual({ verarbeitungMs: 10, druckzentrumMs: 10, postMs: 10 });
    expect(schritteAusEnv({ DRUCKZENTRUM_SIM_SCHRITT_MS: '1,2,3' })).toEqual({ verarbeitungMs: 1, druckzentrumMs: 2, postMs: 3 });
    expect(() => schritteAusEnv({ DRUCKZENTRUM_SIM_SCHRITT_MS: '1,2' })).toThrow(/DRUCKZENTRUM_SIM_SCHRITT_MS/);
  });
});

describe('Dateiformate des Übergabeordners', () => {
  const manifest = {
    auftragsId: 'a-1', erstellt: '2026-01-05T08:00:00.000Z', anzahlBriefe: 1, anzahlSeiten: 2,
    briefe: [{ briefId: 'b-1', datei: 'b-1.pdf', seiten: 2, versandart: 'einschreiben' as const, bytes: 10, sha256: 'ab'.repeat(32) }],
  };

  test('Manifest: geschrieben und gelesen ergibt dasselbe', () => {
    expect(leseManifest(baueManifest(manifest))).toEqual(manifest);
  });

  test('nicht vertrauenswürdige Eingaben: DOCTYPE, kaputtes XML, falsche Werte werden abgewiesen', () => {
    const bombe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Druckstatus><AuftragsId>&a;</AuftragsId></Druckstatus>';
    expect(() => leseStatusdatei(bombe)).toThrow(FormatFehler);
    expect(() => leseStatusdatei('<Druckstatus><AuftragsId>x</AuftragsId>')).toThrow(FormatFehler);
    expect(() => leseManifest(baueManifest(manifest).replace('<Seiten>2</Seiten>', '<Seiten>zwei</Seiten>'))).toThrow(/Seiten/);
    expect(() => leseManifest(baueManifest(manifest).replace('ab'.repeat(32), 'xyz'))).toThrow(/SHA256/);
    const status = '<Druckstatus><AuftragsId>a</AuftragsId><Sequenz>1</Sequenz><Zeitpunkt>2026-01-05T08:00:00Z</Zeitpunkt><Status>IRGENDWAS</Status></Druckstatus>';
    expect(() => leseStatusdatei(status)).toThrow(/unbekannter Status/);
  });
});

describe('Regeln des Ports', () => {
  test('Gesamtstatus: der langsamste nicht abgelehnte Brief; fehler nur, wenn alle scheiterten', () => {
    expect(gesamtStatus([{ status: 'an_post_uebergeben' }, { status: 'im_druckzentrum' }, { status: 'fehler' }])).toBe('im_druckzentrum');
    expect(gesamtStatus([{ status: 'fehler' }, { status: 'fehler' }])).toBe('fehler');
    expect(gesamtStatus([{ status: 'an_post_uebergeben' }, { status: 'fehler' }])).toBe('an_post_uebergeben');
  });

  test('Kennungen ohne Pfadzeichen, Briefe eindeutig', () => {
    const pdf = Buffer.from('%PDF-1.7');
    expect(() => pruefeAuftrag({ batchId: 'a/b', briefe: [{ briefId: 'x', pdf }] })).toThrow(/Auftragskennung/);
    expect(() => pruefeAuftrag({ batchId: 'a..b', briefe: [{ briefId: 'x', pdf }] })).toThrow(/Auftragskennung/);
    expect(() => pruefeAuftrag({ batchId: 'a', briefe: [{ briefId: 'x', pdf }, { briefId: 'x', pdf }] })).toThrow(/mehrfach/);
    expect(() => pruefeAuftrag({ batchId: 'a', briefe: [{ briefId: 'x', pdf: Buffer.alloc(0) }] })).toThrow(/keinen Inhalt/);
  });
});

describe('E-POST-Abbildung', () => {
  test('Empfängerfelder aus den Zeilen des Sichtfensters', () => {
    expect(anschriftFelder(['Frau', 'Erika Mustermann', 'Lindenallee 12', '35390 Gießen'])).toEqual({
      addressLine1: 'Frau', addressLine2: 'Erika Mustermann', addressLine3: 'Lindenallee 12', zipCode: '35390', city: 'Gießen',
    });
    expect(anschriftFelder(['Herrn', 'Max Muster', 'Postfach 12', '1010 Wien'])).toEqual({});
  });

  test('batchID: int32, deterministisch je Auftragskennung', () => {
    const a = epostBatchNummer('auftrag-1');
    expect(a).toBe(epostBatchNummer('auftrag-1'));
    expect(a).not.toBe(epostBatchNummer('auftrag-2'));
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThanOrEqual(0x7fffffff);
  });
});
