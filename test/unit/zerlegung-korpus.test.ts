import { erzeugeTexte } from '../../testdaten/posteingang';
import { alsStapel } from '../../testdaten/posteingang/korpus';
import { zxingReader } from '../../activities/erkennung/lesen';
import { rendereAlleSeiten } from '../../activities/erkennung/seiten';
import sharp from 'sharp';

test('scratch', async () => {
  const briefe = erzeugeTexte(7, 1).slice(0, 3);
  const R = await zxingReader();
  for (const [trenner, stil] of [['barcode', 'scan'], ['barcode-erste-seite', 'scan'], ['barcode-erste-seite', 'fax']] as const) {
    const s = await alsStapel(briefe, { trenner, format: 'tiff', stil, seed: 3, barcodeArt: 'QRCode' });
    const bilder = await rendereAlleSeiten(s.inhalt, 'image/tiff');
    for (const b of bilder.slice(0, 3)) {
      let t = Date.now();
      const g = await sharp(b.png).greyscale().raw().toBuffer({ resolveWithObject: true });
      const t0 = Date.now() - t;
      for (const [name, skala, opts] of [
        ['default', 1, {}],
        ['fmt', 1, { formats: ['Code128', 'QRCode', 'DataMatrix'] }],
        ['fmt-noinv', 1, { formats: ['Code128', 'QRCode', 'DataMatrix'], tryInvert: false }],
        ['fmt-noinv-half', 0.5, { formats: ['Code128', 'QRCode', 'DataMatrix'], tryInvert: false }],
        ['fmt-noinv-nohard', 1, { formats: ['Code128', 'QRCode', 'DataMatrix'], tryInvert: false, tryHarder: false }],
      ] as const) {
        t = Date.now();
        const w = Math.round(g.info.width * skala);
        const rgba = await sharp(g.data, { raw: { width: g.info.width, height: g.info.height, channels: 1 } }).resize(w).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        const t1 = Date.now() - t;
        t = Date.now();
        const r = await R.readBarcodes({ data: new Uint8ClampedArray(rgba.data.buffer, rgba.data.byteOffset, rgba.data.length), width: rgba.info.width, height: rgba.info.height } as never, opts as never);
        console.log(stil, b.nr, name, t0, t1, Date.now() - t, r.map((x) => x.text).join('+'));
      }
    }
  }
}, 600000);
