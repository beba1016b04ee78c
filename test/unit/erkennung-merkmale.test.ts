import { findeAbsender, findeBescheidVom, findeBriefdatum, findeDaten, findeMerkmale } from '../../activities/erkennung/merkmale';

const brief = `Max Mustermann
Lindenstraße 12a
31134 Hildesheim
geb. 03.04.1985

Jobcenter Landkreis Hildesheim
Kaiserstraße 5
31134 Hildesheim

Hildesheim, 12. März 2026

BG-Nr. 31401 BG 0012345
Widerspruch gegen den Bescheid vom 02.03.2026

Sehr geehrte Damen und Herren,
hiermit lege ich Widerspruch gegen den Bescheid vom 02.03.2026 ein.
Meine Kontoverbindung: DE89 3704 0044 0532 0130 00
Mit freundlichen Grüßen
Max Mustermann`;

describe('Daten', () => {
  it('reads numeric, two-digit, month-name and ISO forms; rejects impossible dates', () => {
    expect(findeDaten('12.03.2026 1.4.26 5. Mai 2026 7 Okt. 2025 2026-01-31 31.02.2026 99.99.2026', 2026).map((d) => d.iso)).toEqual([
      '2026-03-12',
      '2026-04-01',
      '2026-05-05',
      '2025-10-07',
      '2026-01-31',
    ]);
    expect(findeDaten('geb. 01.02.80', 2026)[0]?.iso).toBe('1980-02-01');
  });

  it('finds the letter date after the place name, not the date of birth or of the Bescheid', () => {
    expect(findeBriefdatum(brief, '2026-03-16')).toBe('2026-03-12');
  });

  it('takes "Datum:" and ignores dates far from the receipt', () => {
    expect(findeBriefdatum('Kontoauszug\nBuchungstag 01.03.2026\nDatum: 05.03.2026', '2026-03-09')).toBe('2026-03-05');
    expect(findeBriefdatum('Hildesheim, 12.03.2019', '2026-03-09')).toBeUndefined();
    expect(findeBriefdatum('arbeitsunfähig seit 02.03.2026\nvoraussichtlich bis 09.03.2026', '2026-03-09')).toBeUndefined();
  });

  it('finds the date of the contested Bescheid', () => {
    expect(findeBescheidVom(brief)).toBe('2026-03-02');
    expect(findeBescheidVom('Widerspruch gegen Ihren Änderungsbescheid vom 3. Februar 2026 (Az. 123)')).toBe('2026-02-03');
    expect(findeBescheidVom('Ich bitte um Rückruf vom Sachbearbeiter.')).toBeUndefined();
  });
});

describe('Absender', () => {
  it('takes the person block, not the Jobcenter address', () => {
    expect(findeAbsender(brief)).toEqual({ vorname: 'Max', nachname: 'Mustermann', strasse: 'Lindenstraße 12a', plz: '31134', geburtsdatum: '1985-04-03' });
  });
  it('takes the addressee of an authority letter (sender is an organisation)', () => {
    const bescheid = 'Familienkasse Niedersachsen-Bremen\nPostfach 1234\n30001 Hannover\n\nFrau\nErika Musterfrau-Schulz\nAm Anger 3\n31137 Hildesheim\n\nBescheid über Kindergeld';
    expect(findeAbsender(bescheid)).toMatchObject({ vorname: 'Erika', nachname: 'Musterfrau-Schulz', strasse: 'Am Anger 3', plz: '31137' });
  });
  it('reads form fields', () => {
    expect(findeAbsender('Name: Yilmaz\nVorname: Ayşe\nGeburtsdatum: 14.11.1979\nAnschrift: Bahnhofstr. 4, 31134 Hildesheim')).toEqual({
      nachname: 'Yilmaz',
      vorname: 'Ayşe',
      geburtsdatum: '1979-11-14',
      strasse: 'Bahnhofstr. 4',
      plz: '31134',
    });
  });
});

describe('findeMerkmale', () => {
  it('collects identifiers, dates and sender', () => {
    const m = findeMerkmale(brief, { eingangsdatum: '2026-03-16' });
    expect(m.bgNummern).toEqual(['31401BG0012345']);
    expect(m.kundennummern).toEqual([]);
    expect(m.ibans).toEqual(['DE89370400440532013000']);
    expect(m.briefdatum).toBe('2026-03-12');
    expect(m.bescheidVom).toBe('2026-03-02');
    expect(m.absender?.nachname).toBe('Mustermann');
  });
  it('returns empty lists for an empty text', () => {
    expect(findeMerkmale('')).toEqual({ bgNummern: [], kundennummern: [], ibans: [] });
  });
});

describe('Daten aus OCR-Text', () => {
  it('repairs a few misread digits inside a date, not words or amounts', () => {
    expect(findeDaten('Göttingen, l2.O3.2026', 2026).map((d) => d.iso)).toEqual(['2026-03-12']);
    expect(findeDaten('Datum: 12,03.2026', 2026).map((d) => d.iso)).toEqual(['2026-03-12']);
    expect(findeDaten('SO.OI.2026 und Betrag 1.394,10 € und 12.345,67', 2026)).toEqual([]);
  });
});

describe('Briefdatum: fremde Datumswörter', () => {
  it('a moving-in or booking date is not the letter date, even with "datum" in its name', () => {
    expect(findeBriefdatum('Meldebescheinigung\nEinzugsdatum:  11.09.2026\nGöttingen, 02.10.2026', '2026-11-02')).toBe('2026-10-02');
    expect(findeBriefdatum('Meldebescheinigung\nEinzugsdatum:  11.09.2026', '2026-11-02')).toBeUndefined();
  });
});

describe('Absender in Formularen und Fließtext', () => {
  it('reads "Name, Vorname:", "Kontoinhaber:" with address, and "Name, geb. …" in running text', () => {
    expect(findeAbsender('Anlage EKS\nName, Vorname:  Herberger, Leo\nGeburtsdatum:  01.02.1990')).toEqual({ nachname: 'Herberger', vorname: 'Leo', geburtsdatum: '1990-02-01' });
    expect(findeAbsender('Kontoauszug 9/2026\nKontoinhaber: Konrad Ritz, Straßburger Str. 2, 37133 Friedland')).toEqual({ vorname: 'Konrad', nachname: 'Ritz', strasse: 'Straßburger Str. 2', plz: '37133' });
    expect(findeAbsender('Mietvertrag\nzwischen der Wohnbau GmbH und\nFrau Anna Wolf, geb. 25.07.1968')).toEqual({ vorname: 'Anna', nachname: 'Wolf', geburtsdatum: '1968-07-25' });
  });
  it('takes the birth date of the person, not of a child named further down', () => {
    const text = 'Elterngeldstelle\nReinhäuser Landstraße 4\n37083 Göttingen\n\nFrau\nZara Bolm\nPeter-Grieß-Str. 48b\n37520 Osterode am Harz\n\nfür Ihr Kind Mia, geboren am 12.07.2026, erhalten Sie Elterngeld.';
    expect(findeAbsender(text)).toEqual({ vorname: 'Zara', nachname: 'Bolm', strasse: 'Peter-Grieß-Str. 48b', plz: '37520' });
  });
  it('an employer or shop is not a person', () => {
    expect(findeAbsender('Bäckerei Stauss\nHauptstraße 3\n37073 Göttingen\n\nAbsage')).toBeUndefined();
  });
});
