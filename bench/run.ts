/**
 * Benchmark runner: `npm run bench -- <name> [<name> …]` runs bench/<name>.ts (its exported
 * `run(args)`). Each benchmark prints figures comparable run to run — as ratios against a
 * baseline measured side by side in the same run where possible — and ends with one summary
 * line `<name>: key=value …`.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface BenchModule {
  run(args: string[]): Promise<void>;
}

export function available(): string[] {
  return fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && !['run.js'].includes(f) && !f.startsWith('_'))
    .map((f) => f.replace(/\.js$/, ''))
    .sort();
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = available();
  if (!name || !names.includes(name)) {
    process.stderr.write(`Benchmark angeben: npm run bench -- <name>\nVorhanden: ${names.join(', ')}\n`);
    process.exit(name ? 1 : 0);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(__dirname, name)) as BenchModule;
  await mod.run(args);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
