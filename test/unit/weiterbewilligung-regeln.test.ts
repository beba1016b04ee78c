/** The legal rule of the effective date (§37 Abs. 2 SGB II) and the lead-time arithmetic, with worked examples. */
import {
  DEFAULT_WEITERBEWILLIGUNG_POLICY, bwzFuerWbaEingang, effectiveFrom, istTag, monatsanfang, plusTage, pruefePolicy, schritte, syncFenster,
  tageZwischen, weiterbewilligungWorkflowId,
} from '../../domain/weiterbewilligung';

describe('effectiveFrom: the WBA acts back to the first of the month of receipt, never before the BWZ ends', () => {
  test.each([
    // BWZ ends 31.03.; WBA on 14.02. (well before): benefits continue seamlessly from 01.04.
    ['2027-03-31', '2027-02-14', '2027-04-01'],
    // received on the last day of the BWZ: still seamless
    ['2027-03-31', '2027-03-31', '2027-04-01'],
    // received late in the following month (29.04.): acts back to 01.04., no gap
    ['2027-03-31', '2027-04-29', '2027-04-01'],
    // received in the month after next: April is lost, benefits from 01.05.
    ['2027-03-31', '2027-05-02', '2027-05-01'],
    // BWZ ends mid-month (15.06.), WBA on 20.06.: first of June is before the end → day after the end
    ['2027-06-15', '2027-06-20', '2027-06-16'],
    // across the year boundary: BWZ ends 30.11.2026, WBA on 05.01.2027 → December lost, from 01.01.2027
    ['2026-11-30', '2027-01-05', '2027-01-01'],
    // BWZ ends 31.12.2026, WBA on 31.01.2027 (late in the month) → 01.01.2027, seamless
    ['2026-12-31', '2027-01-31', '2027-01-01'],
    // leap year: BWZ ends 29.02.2028, WBA on 29.02. → 01.03.2028
    ['2028-02-29', '2028-02-29', '2028-03-01'],
    // leap year: BWZ ends 31.01.2028, WBA on 29.02.2028 → February acts back to 01.02.
    ['2028-01-31', '2028-02-29', '2028-02-01'],
  ])('BWZ bis %s, WBA eingegangen %s → Leistungen ab %s', (ende, eingang, ab) => {
    expect(effectiveFrom(ende, eingang)).toBe(ab);
  });

  test('an invalid day is refused, not guessed', () => {
    expect(() => effectiveFrom('2027-02-30', '2027-03-01')).toThrow(RangeError);
    expect(() => effectiveFrom('2027-03-31', '31.03.2027')).toThrow(RangeError);
  });
});

describe('date-only arithmetic', () => {
  test('days across month, year and leap day', () => {
    expect(plusTage('2027-12-31', 1)).toBe('2028-01-01');
    expect(plusTage('2028-03-01', -1)).toBe('2028-02-29');
    expect(plusTage('2027-03-01', -1)).toBe('2027-02-28');
    expect(tageZwischen('2028-02-01', '2028-03-01')).toBe(29);
    expect(tageZwischen('2027-03-31', '2027-03-01')).toBe(-30);
    expect(monatsanfang('2027-04-29')).toBe('2027-04-01');
    // a DST change (28.03.2027 in Berlin) does not shift a day
    expect(plusTage('2027-03-27', 2)).toBe('2027-03-29');
    expect(istTag('2028-02-29')).toBe(true);
    expect(istTag('2027-02-29')).toBe(false);
    expect(istTag('2027-1-01')).toBe(false);
  });
});

describe('lead times from the site policy', () => {
  test('default: reminder 8 weeks, second reminder 4 weeks, escalation 2 weeks before the end', () => {
    expect(schritte('2027-03-31', DEFAULT_WEITERBEWILLIGUNG_POLICY)).toEqual([
      { art: 'erinnerung1', am: '2027-02-03' },
      { art: 'erinnerung2', am: '2027-03-03' },
      { art: 'eskalation', am: '2027-03-17' },
      { art: 'ende', am: '2027-04-01' },
      { art: 'nachlaufEnde', am: '2027-07-02' },
    ]);
  });

  test('a site with other lead times; across a year boundary and a leap day', () => {
    const p = pruefePolicy({ erinnerungVorlaufTage: 42, zweiteErinnerungVorlaufTage: 21, eskalationVorlaufTage: 7, nachlaufTage: 31 });
    expect(schritte('2028-03-10', p).map((s) => s.am)).toEqual(['2028-01-28', '2028-02-18', '2028-03-03', '2028-03-11', '2028-04-11']);
    expect(schritte('2027-01-15', p)[0]).toEqual({ art: 'erinnerung1', am: '2026-12-04' });
  });

  test('the sync window: from today − Nachlauf to today + Vorlauf', () => {
    expect(syncFenster('2026-11-26', DEFAULT_WEITERBEWILLIGUNG_POLICY)).toEqual({ von: '2026-08-26', bis: '2027-02-04' });
  });

  test('an inconsistent policy is refused with the value named', () => {
    expect(() => pruefePolicy({ zweiteErinnerungVorlaufTage: 60 })).toThrow(/Vorläufe/);
    expect(() => pruefePolicy({ nachlaufTage: -1 })).toThrow(/nachlaufTage/);
    expect(() => pruefePolicy({ tagMs: 0 })).toThrow(/tagMs/);
  });

  test('workflow ids carry only the pseudonym', () => {
    expect(weiterbewilligungWorkflowId('0123456789abcdef01234567')).toBe('wb-0123456789abcdef01234567');
    expect(() => weiterbewilligungWorkflowId('96201BG0012345')).toThrow(RangeError);
  });
});

test('a WBA belongs to the latest BWZ that began before its receipt (running, or just ended)', () => {
  const bwz = [
    { id: 'BWZ1', beginn: '2025-04-01', ende: '2026-03-31' },
    { id: 'BWZ2', beginn: '2026-04-01', ende: '2027-03-31' },
  ];
  expect(bwzFuerWbaEingang(bwz, '2027-02-14')?.id).toBe('BWZ2');
  expect(bwzFuerWbaEingang(bwz, '2027-04-29')?.id).toBe('BWZ2'); // after the end: still BWZ2 (late WBA)
  expect(bwzFuerWbaEingang(bwz, '2026-03-15')?.id).toBe('BWZ1');
  expect(bwzFuerWbaEingang(bwz, '2025-01-01')).toBeNull();
});
