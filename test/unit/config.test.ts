import path from 'node:path';
import { ConfigError, loadConfig } from '../../platform/config';

describe('configuration', () => {
  it('has working defaults for the embedded local stack', () => {
    const cfg = loadConfig({}, '/srv/aktenlauf');
    expect(cfg.dataDir).toBe(path.resolve('/srv/aktenlauf/data'));
    expect(cfg.temporal.embedded).toBe(true);
    expect(cfg.temporal.address).toBe('127.0.0.1:7233');
    expect(cfg.temporal.uiPort).toBe(8233);
    expect(cfg.temporal.retentionDays).toBe(30);
    expect(cfg.temporal.dbFile).toBe(path.resolve('/srv/aktenlauf/data/temporal.db'));
    expect(cfg.redis.explicit).toBe(false);
    expect(cfg.console.publicUrl).toBe('http://127.0.0.1:3000');
    expect(cfg.intake.scannerDir).toBe(path.resolve('/srv/aktenlauf/data/intake/scanner'));
  });

  it('uses an existing Temporal cluster and Redis when given', () => {
    const cfg = loadConfig({ TEMPORAL_ADDRESS: 'temporal.intern:7233', TEMPORAL_NAMESPACE: 'jobcenter', REDIS_URL: 'redis://redis.intern:6379' }, '/x');
    expect(cfg.temporal.embedded).toBe(false);
    expect(cfg.temporal.address).toBe('temporal.intern:7233');
    expect(cfg.temporal.namespace).toBe('jobcenter');
    expect(cfg.redis.explicit).toBe(true);
    expect(cfg.redis.url).toBe('redis://redis.intern:6379');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', REDIS_URL: ' ' }, '/x').temporal.embedded).toBe(true);
  });

  it('refuses invalid values with a message naming the variable', () => {
    expect(() => loadConfig({ CONSOLE_PORT: 'achtzig' }, '/x')).toThrow(ConfigError);
    expect(() => loadConfig({ CONSOLE_PORT: '70000' }, '/x')).toThrow(/CONSOLE_PORT/);
    expect(() => loadConfig({ TEMPORAL_RETENTION_DAYS: '0' }, '/x')).toThrow(/TEMPORAL_RETENTION_DAYS/);
    expect(() => loadConfig({ AKTENLAUF_LOG_LEVEL: 'laut' }, '/x')).toThrow(/AKTENLAUF_LOG_LEVEL/);
    expect(() => loadConfig({ AKTENLAUF_UMASK: '0o77' }, '/x')).toThrow(/AKTENLAUF_UMASK.*Oktalziffern/);
    expect(() => loadConfig({ AKTENLAUF_UMASK: '088' }, '/x')).toThrow(/AKTENLAUF_UMASK/);
  });

  it('creates files for the service user alone unless a group is let in', () => {
    expect(loadConfig({}, '/x').umask).toBe(0o077);
    expect(loadConfig({ AKTENLAUF_UMASK: '027' }, '/x').umask).toBe(0o027);
    expect(loadConfig({ AKTENLAUF_UMASK: '0007' }, '/x').umask).toBe(0o007);
  });
});
