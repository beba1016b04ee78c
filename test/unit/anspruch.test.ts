/**
 * Claims of incoming content (registriereEingang): of many workflows racing for the same content exactly
 * one wins, the others learn who has it; the winner's retry is its own; no partial claim file is left.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beanspruche } from '../../activities/posteingang/register';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anspruch-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('of twenty racing claims exactly one wins; the others name the winner', async () => {
  const datei = path.join(dir, 'a'.repeat(64) + '.pdf');
  const owners = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? `stapel-${i}` : `eingang-${i}`));
  const r = await Promise.all(owners.map((o) => beanspruche(datei, o)));
  const gewinner = owners.filter((_, i) => r[i]!.von === 'neu');
  expect(gewinner).toHaveLength(1);
  for (const [i, x] of r.entries()) {
    if (x.von !== 'neu') expect(x).toEqual({ von: 'fremd', owner: gewinner[0] });
    else expect(owners[i]).toBe(gewinner[0]);
  }
  expect(fs.readFileSync(`${datei}.anspruch`, 'utf8')).toBe(gewinner[0]);
  await expect(beanspruche(datei, gewinner[0]!)).resolves.toEqual({ von: 'eigen' });
  // only the claim itself is left (no temporary files)
  expect(fs.readdirSync(dir)).toEqual([`${path.basename(datei)}.anspruch`]);
});

test('a store folder that does not exist is reported, not claimed', async () => {
  await expect(beanspruche(path.join(dir, 'fehlt', 'x.pdf'), 'stapel-1')).rejects.toMatchObject({ code: 'ENOENT' });
});
