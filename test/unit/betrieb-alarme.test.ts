/** Alerts for the overview: only IT-Administration and Leitung get them, and a hanging Temporal does not block the page. */
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { registerBetrieb } from '../../console/betrieb';
import { loadConfig } from '../../platform/config';

test('alarmeFuer: none for other roles; a hanging source gives a German warning after the timeout instead of blocking', async () => {
  const app = Fastify();
  const haengt = () => new Promise<never>(() => undefined);
  const temporal = { workflow: { count: haengt, list: () => ({ [Symbol.asyncIterator]: () => ({ next: haengt }) }) } };
  const redis = new Redis({ lazyConnect: true });
  const handle = registerBetrieb(app, {
    cfg: loadConfig({ AKTENLAUF_DATA_DIR: '/tmp/aktenlauf-unbenutzt' }), temporal: temporal as never, redis, auditFile: '/tmp/aktenlauf-unbenutzt/audit.jsonl',
    record: async () => undefined, requireRole: () => async () => undefined, refuse: (_q, r) => r, sendHtml: (r) => r,
  }, { warteschlangen: [], metricsToken: null, alarmTimeoutMs: 50 });
  expect(await handle.alarmeFuer('postkorb')).toBeUndefined();
  expect(await handle.alarmeFuer('revision')).toBeUndefined();
  const a = await handle.alarmeFuer('it-admin');
  expect(a).toEqual([{ art: 'quelle-nicht-lesbar', schwere: 'warnung', text: expect.stringContaining('nicht rechtzeitig gelesen') }]);
  expect(await handle.alarmeFuer('leitung')).toHaveLength(1);
  await app.close();
  redis.disconnect();
});
