/**
 * OrdnerWaechter: requests waiting for answer files of a file interface are served by one directory
 * read per poll, whatever their number; answers already there are found at once; deadlines and a
 * closed adapter end the wait with null.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OrdnerWaechter } from '../../connectors/ordner-waechter';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordner-waechter-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const schreibe = (name: string) => fs.writeFileSync(path.join(dir, name), 'x');

test('an answer already there is found at once, without waiting for a poll', async () => {
  schreibe('a.ok.xml');
  const w = new OrdnerWaechter(dir, 60_000);
  await expect(w.warte(['a.fehler.xml', 'a.ok.xml'], 1000)).resolves.toBe(path.join(dir, 'a.ok.xml'));
});

test('fifty waiting requests are answered from one directory read per poll', async () => {
  const w = new OrdnerWaechter(dir, 20);
  const readdir = jest.spyOn(fs.promises, 'readdir');
  const namen = Array.from({ length: 50 }, (_, i) => `q${i}.csv`);
  const warten = namen.map((n) => w.warte([n], 10_000));
  await new Promise((r) => setTimeout(r, 50));
  for (const n of namen) schreibe(n);
  const gefunden = await Promise.all(warten);
  expect(gefunden).toEqual(namen.map((n) => path.join(dir, n)));
  // Every poll read the folder once for all fifty, not once per request.
  expect(readdir.mock.calls.length).toBeGreaterThan(0);
  expect(readdir.mock.calls.length).toBeLessThan(namen.length);
  for (const [d] of readdir.mock.calls) expect(d).toBe(dir);
});

test('a request whose answer never comes ends with null at its deadline; the others keep waiting', async () => {
  const w = new OrdnerWaechter(dir, 10);
  const kurz = w.warte(['nie.xml'], 50);
  const lang = w.warte(['spaeter.xml'], 5_000);
  await expect(kurz).resolves.toBeNull();
  schreibe('spaeter.xml');
  await expect(lang).resolves.toBe(path.join(dir, 'spaeter.xml'));
});

test('a closed adapter ends the wait with null', async () => {
  const w = new OrdnerWaechter(dir, 10);
  let geschlossen = false;
  const warten = w.warte(['x.xml'], 10_000, () => geschlossen);
  geschlossen = true;
  await expect(warten).resolves.toBeNull();
});

test('an unreadable folder does not answer anything; the deadline still ends the wait', async () => {
  const w = new OrdnerWaechter(path.join(dir, 'fehlt'), 10);
  await expect(w.warte(['x.xml'], 60)).resolves.toBeNull();
});
