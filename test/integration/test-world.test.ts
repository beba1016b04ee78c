/** The shared test world works: simulators up, default adapters talking to them. */
import { startTestWorld, type TestWorld } from '../helpers/connectors';
import { testConfig } from '../helpers/env';

let world: TestWorld;
beforeAll(async () => {
  world = await startTestWorld(testConfig({ SIMULATOR_HOUSEHOLDS: '50' }));
});
afterAll(async () => {
  await world.stop();
});

test('every default adapter reports healthy against its simulator', async () => {
  const checks = await Promise.all([world.connectors.fachverfahren.health(), world.connectors.eakte.health(), world.connectors.druckzentrum.health()]);
  expect(checks.map((c) => [c.id, c.ok, c.detail])).toEqual(checks.map((c) => [c.id, true, c.detail]));
});

test('a household of the simulated Landkreis is found through the Fachverfahren port', async () => {
  const bwz = [];
  for await (const b of world.connectors.fachverfahren.listeBewilligungszeitraeume('2000-01-01', '2100-12-31')) {
    bwz.push(b);
    if (bwz.length >= 3) break;
  }
  expect(bwz.length).toBe(3);
  const haushalt = await world.connectors.fachverfahren.findeHaushalt({ bgNummer: bwz[0]!.bgNummer });
  expect(haushalt?.bgNummer).toBe(bwz[0]!.bgNummer);
});
