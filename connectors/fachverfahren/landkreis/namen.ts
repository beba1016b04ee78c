/**
 * Fuzzy matching of German names and streets for household proposals: normalisation
 * (umlauts, ß, accents, case), Jaro-Winkler, Levenshtein and Kölner Phonetik.
 * Used by the simulated Fachverfahren and by adapters that answer proposals from an index.
 */

const UMLAUTE: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };

/** "Müller-Lüdenscheidt " → "mueller-luedenscheidt"; accents stripped, only letters, space and hyphen kept. */
export function normalisiereName(name: string): string {
  let s = name.toLowerCase().replace(/[äöüßæœøłđı]/g, (c) => UMLAUTE[c] ?? c);
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u007f]/.test(s)) s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return s
    .replace(/[^a-z\s-]/g, '')
    .replace(/\s*-\s*/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "Hauptstr. 5" / "Haupt-Straße" → "hauptstrasse" (house number ignored). */
export function normalisiereStrasse(strasse: string): string {
  return normalisiereName(strasse.replace(/\d.*$/, '').replace(/str\.(?=\s|$)/gi, 'strasse').replace(/\bStr\b/g, 'strasse')).replace(/[\s-]/g, '');
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatch = new Array<boolean>(a.length).fill(false);
  const bMatch = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(i + range + 1, b.length);
    for (let j = lo; j < hi; j++) {
      if (bMatch[j] || a[i] !== b[j]) continue;
      aMatch[i] = true;
      bMatch[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatch[i]) continue;
    while (!bMatch[k]) k++;
    if (a[i] !== b[k]) t++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Kölner Phonetik (Postel 1969) of a normalised name: "meier", "maier", "mayer" → "67". */
export function koelnerPhonetik(normalisiert: string): string {
  const s = normalisiert.replace(/[^a-z]/g, '');
  const codes: string[] = [];
  /** `ch` is one of `set` ('' at the edges of the word is none). */
  const ein = (set: string, ch: string): boolean => ch !== '' && set.includes(ch);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const prev = i > 0 ? s[i - 1]! : '';
    const next = i + 1 < s.length ? s[i + 1]! : '';
    let code: string;
    switch (c) {
      case 'a': case 'e': case 'i': case 'j': case 'o': case 'u': case 'y':
        code = '0'; break;
      case 'h':
        code = ''; break;
      case 'b':
        code = '1'; break;
      case 'p':
        code = next === 'h' ? '3' : '1'; break;
      case 'd': case 't':
        code = ein('csz', next) ? '8' : '2'; break;
      case 'f': case 'v': case 'w':
        code = '3'; break;
      case 'g': case 'k': case 'q':
        code = '4'; break;
      case 'c':
        if (i === 0) code = ein('ahkloqrux', next) ? '4' : '8';
        else code = ein('sz', prev) ? '8' : ein('ahkoqux', next) ? '4' : '8';
        break;
      case 'x':
        code = ein('ckq', prev) ? '8' : '48'; break;
      case 'l':
        code = '5'; break;
      case 'm': case 'n':
        code = '6'; break;
      case 'r':
        code = '7'; break;
      case 's': case 'z':
        code = '8'; break;
      default:
        code = '';
    }
    codes.push(code);
  }
  let out = '';
  for (const code of codes.join('')) {
    if (out.length > 0 && out[out.length - 1] === code) continue;
    out += code;
  }
  return out[0] + out.slice(1).replace(/0/g, '');
}

function einfacheAehnlichkeit(a: string, b: string): number {
  if (a === b) return 1;
  if (!a || !b) return 0;
  const jw = jaroWinkler(a, b);
  const lev = 1 - levenshtein(a, b) / Math.max(a.length, b.length);
  const ka = koelnerPhonetik(a);
  const phon = ka.length > 1 && ka === koelnerPhonetik(b) ? 0.92 : 0;
  return Math.max(jw, lev, phon);
}

/**
 * Similarity 0..1 of two names, both already normalised. Double names match by a part
 * ("Müller" ~ "Müller-Lüdenscheidt", capped at 0.9); given names compare also by the first one.
 */
export function namensAehnlichkeit(a: string, b: string): number {
  if (a === b) return a ? 1 : 0;
  let best = einfacheAehnlichkeit(a.replace(/[\s-]/g, ''), b.replace(/[\s-]/g, ''));
  const ta = a.split(/[\s-]/).filter(Boolean);
  const tb = b.split(/[\s-]/).filter(Boolean);
  if (ta.length > 1 || tb.length > 1) {
    for (const x of ta) for (const y of tb) best = Math.max(best, Math.min(0.9, einfacheAehnlichkeit(x, y)));
  }
  return best;
}
