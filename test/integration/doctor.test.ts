/**
 * doctor/status answer quickly and plainly: a stopped Redis or Temporal is reported with
 * what to do, never waited for.
 */
import fs from 'node:fs';
import { checkStack } from '../../scripts/stack/doctor';
import { engeDatenverzeichnisEin } from '../../platform/lifecycle';
import { ensureRedis } from '../../scripts/stack/redis';
import { testConfig, testStack } from '../helpers/env';
import { freePort } from '../helpers/ports';

test('with the shared stack up, Temporal, search attributes, Redis and Chromium are green', async () => {
  const cfg = testConfig();
  const checks = await checkStack(cfg, { launchBrowser: true });
  const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
  expect(byId.temporal?.ok).toBe(true);
  expect(byId['temporal-sa']?.ok).toBe(true);
  expect(byId.redis?.ok).toBe(true);
  expect(byId.codec?.ok).toBe(true);
  expect(byId.chromium?.ok).toBe(true);
  expect(byId.chromium?.detail).toMatch(/startet/);
});

test('a stopped Redis is reported clearly, with the fix', async () => {
  const dead = `redis://127.0.0.1:${await freePort()}`;
  const cfg = testConfig({ REDIS_URL: dead });
  const checks = await checkStack(cfg);
  const redis = checks.find((c) => c.id === 'redis')!;
  expect(redis.ok).toBe(false);
  expect(redis.detail).toContain('antwortet nicht');
  expect(redis.fix).toMatch(/Redis starten/);
  expect(checks.find((c) => c.id === 'temporal')?.ok).toBe(true);
});

test('an explicit REDIS_URL that does not answer stops the start with a clear error', async () => {
  const dead = `redis://127.0.0.1:${await freePort()}`;
  await expect(ensureRedis({ explicit: true, url: dead, port: 0, dir: '', runDir: '', logDir: '', log: () => undefined })).rejects.toThrow(/antwortet nicht[\s\S]*REDIS_URL leeren/);
});

test('a stopped Temporal is reported with how to start it', async () => {
  const cfg = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
  const checks = await checkStack(cfg, { timeoutMs: 1500 });
  const temporal = checks.find((c) => c.id === 'temporal')!;
  expect(temporal.ok).toBe(false);
  expect(temporal.detail).toContain('antwortet nicht');
  expect(checks.find((c) => c.id === 'redis')?.detail).toContain(testStack().redisUrl.replace('redis://', ''));
});

test('a data dir other users can enter is a hint with the chmod; up narrows it to the mask', async () => {
  const cfg = testConfig({ AKTENLAUF_UMASK: '027' });
  fs.chmodSync(cfg.dataDir, 0o755);
  const vorher = (await checkStack(cfg, { timeoutMs: 1500 })).find((c) => c.id === 'data')!;
  expect(vorher).toMatchObject({ ok: false, required: false });
  expect(vorher.detail).toContain('Rechte 755');
  expect(vorher.fix).toContain(`chmod 750 ${cfg.dataDir}`);

  expect(engeDatenverzeichnisEin(cfg.dataDir, cfg.umask)).toContain('Rechte 755 → 750');
  expect(fs.statSync(cfg.dataDir).mode & 0o777).toBe(0o750);
  expect(engeDatenverzeichnisEin(cfg.dataDir, cfg.umask)).toBeUndefined(); // nothing to narrow twice
  const nachher = (await checkStack(cfg, { timeoutMs: 1500 })).find((c) => c.id === 'data')!;
  expect(nachher).toMatchObject({ ok: true, required: true, detail: cfg.dataDir });
});
