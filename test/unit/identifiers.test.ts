import { normalizeBgNummer, normalizeKundennummer } from '../../domain/identifiers';

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
