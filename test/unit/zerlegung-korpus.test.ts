import { erzeugeTexte } from '../../testdaten/posteingang';
import { alsStapel } from '../../testdaten/posteingang/korpus';
import { analysiereBild } from '../../activities/erkennung/lesen';
import { rendereAlleSeiten } from '../../activities/erkennung/seiten';

test('scratch', async () => {
  const briefe = erzeugeTexte(11, 1).slice(0, 8);
  for (const stil of ['scan', 'fax'] as const) {
    const s = await alsStapel(briefe, { trenner: 'leer', format: 'tiff', stil, seed: 3 });
    const bilder = await rendereAlleSeiten(s.inhalt, 'image/tiff');
    const out: string[] = [];
    for (const b of bilder) {
      const a = await analysiereBild(b);
      out.push((s.wahrheit.trennseiten!.includes(b.nr) ? 'L' : '') + a.tinte.toFixed(5));
    }
    console.log(stil, out.join(' '));
  }
}, 600000);
