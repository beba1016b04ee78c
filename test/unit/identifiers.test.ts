import { findeBgNummern, findeIbans, findeKundennummern, istGueltigeIban, normalizeBgNummer, normalizeIban, normalizeKundennummer } from '../../domain/identifiers';

describe('BG-Nummer', () => {
  it.each([
    ['96201BG0012345', '96201BG0012345'],
    ['96201 BG 0012345', '96201BG0012345'],
    ['96201/BG/0012345', '96201BG0012345'],
    ['BG-Nr. 96201BG0012345', '96201BG0012345'],
    ['Nummer der Bedarfsgemeinschaft: 96201-bg-0012345', '96201BG0012345'],
  ])('normalises %s', (raw, expected) => {
    expect(normalizeBgNummer(raw)).toBe(expected);
  });
  it.each(['9620BG0012345', '96201BG001234', '96201XX0012345', '', 'BG'])('rejects %s', (raw) => {
    expect(normalizeBgNummer(raw)).toBeNull();
  });
});

describe('Kundennummer', () => {
  it('normalises spaced and lower-case forms', () => {
    expect(normalizeKundennummer('962 d 123456')).toBe('962D123456');
    expect(normalizeKundennummer('962-D-123456')).toBe('962D123456');
  });
  it('rejects malformed ones', () => {
    expect(normalizeKundennummer('9621123456')).toBeNull();
    expect(normalizeKundennummer('962DD12345')).toBeNull();
  });
});

describe('BG-Nummern im Text', () => {
  it.each([
    ['BG-Nr. 96201 BG 0012345', '96201BG0012345'],
    ['Nummer der Bedarfsgemeinschaft: 96201/BG/0012345.', '96201BG0012345'],
    ['Ihr Zeichen 96201-bg-0012345 vom 1.2.', '96201BG0012345'],
    ['BG 96201BG0012345', '96201BG0012345'],
    // OCR confusions inside the digit groups
    ['BG-Nr.: 962O1BG0012345', '96201BG0012345'],
    ['BG-Nr.: 96201 BG OO12345', '96201BG0012345'],
    ['BG-Nr.: 96201BGOOl2345', null],
    ['Bedarfsgemeinschaft 96201 8G 0012345', '96201BG0012345'],
    ['BG-Nr. 96201 BG 00S2345', '96201BG0052345'],
  ])('%s → %s', (text, expected) => {
    expect(findeBgNummern(text)[0] ?? null).toBe(expected);
  });

  it('finds nothing in words, phone numbers, IBANs or too long numbers', () => {
    const text = [
      'Tel. 05121 309-0, Fax 05121 309-11',
      'IBAN DE89 3704 0044 0532 0130 00',
      'Aktenzeichen S 12 AS 345/26',
      'SOSOS BG OOOOOOO', // letters, not digits
      '196201BG0012345', // six-digit office code
      '96201BG00123456', // eight digits
      'BGB § 535',
    ].join('\n');
    expect(findeBgNummern(text)).toEqual([]);
  });

  it('ranks the most frequent first, then exact before repaired', () => {
    const text = 'BG 11111BG1111111 ... 22222BG2222222 ... 22222 BG 2222222 ... 3333OBG3333333 33330BG3333333 44444BG444444O';
    expect(findeBgNummern(text)).toEqual(['22222BG2222222', '33330BG3333333', '11111BG1111111', '44444BG4444440']);
  });
});

describe('Kundennummern im Text', () => {
  it('finds spaced and dashed forms, normalised', () => {
    expect(findeKundennummern('Kundennummer: 962 D 123456, früher 962-d-654321')).toEqual(['962D123456', '962D654321']);
  });
  it('does not read a BG-Nummer or a longer number as a Kundennummer', () => {
    expect(findeKundennummern('96201BG0012345 und 1962D123456 und 962D1234567')).toEqual([]);
  });
});

describe('IBAN', () => {
  it('accepts valid checksums in any spacing and case', () => {
    expect(istGueltigeIban('DE89370400440532013000')).toBe(true);
    expect(normalizeIban('de89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
    expect(istGueltigeIban('AT611904300234573201')).toBe(true);
    expect(istGueltigeIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
  });
  it('rejects a wrong checksum, a swapped digit and a wrong length', () => {
    expect(istGueltigeIban('DE88370400440532013000')).toBe(false);
    expect(istGueltigeIban('DE89370400440532013001')).toBe(false);
    expect(istGueltigeIban('DE8937040044053201300')).toBe(false);
    expect(normalizeIban('DE00 0000 0000 0000 0000 00')).toBeNull();
  });
  it('finds only valid IBANs in text, also followed by words', () => {
    const text = 'Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00 Kontoinhaber Max. Alte IBAN DE88 3704 0044 0532 0130 00 (falsch).';
    expect(findeIbans(text)).toEqual(['DE89370400440532013000']);
  });
});

describe('BG-Nummern im Text: OCR splits and glued labels', () => {
  it.each([
    ['BG-Nr96201/BG/0010563', '96201BG0010563'],
    ['Bedarfsgemeinschaft:  96 201BG0048439', '96201BG0048439'],
    ['BG 96201 B G 0O21361', '96201BG0021361'],
    ['BG 9620l B G 0O21361', null], // three repairs: too many
    ['Bedarfsgemeinschaft: 96201BG0075 449', '96201BG0075449'],
    ['BG 96201 BG 0012 34 5', null],
    ['Tel. 96 2 01 BG 0012345', null],
  ])('%s → %s', (text, expected) => {
    expect(findeBgNummern(text)[0] ?? null).toBe(expected);
  });
});

describe('Kundennummern anderer Stellen', () => {
  it('ignores the customer number of the Agentur für Arbeit or a Kasse', () => {
    expect(findeKundennummern('Kundennummer Agentur für Arbeit: 549A374978\nUnser Zeichen 962D123456')).toEqual(['962D123456']);
  });
});

describe('BG-Nummern: split groups need real digits around the space', () => {
  it.each([
    ['9620lBG015625 1', null], // a lost digit made up by a stray one
    ['B 9201-8G-0068330', null], // the B of a label is no digit
    ['96 201 BG 0012345', '96201BG0012345'],
  ])('%s → %s', (text, expected) => {
    expect(findeBgNummern(text)[0] ?? null).toBe(expected);
  });
});

describe('Kundennummern: phone and account numbers are not read as one', () => {
  it.each([
    ['Tel.: 016O 654657', []],
    ['Konto E64  S206 00O0 913O 919652', []],
    ['Kindergeldnummer: 672K383564', []],
    ['Kundennurnmer Agenfur für rbeit: 951A483473', []],
    ['Kunden-Nr.: 962b933023', ['962B933023']],
  ])('%s → %s', (text, expected) => {
    expect(findeKundennummern(text)).toEqual(expected);
  });
});
