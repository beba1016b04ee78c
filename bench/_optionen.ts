/** Helpers shared by the benchmarks: numeric `--name=value` options and a free local port. */
import net from 'node:net';

/** `--name=value` as a number; positive unless `nullErlaubt` (then ≥ 0). */
export function option(args: string[], name: string, fallback: number, nullErlaubt = false): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.slice(name.length + 3)) : fallback;
  if (nullErlaubt ? !Number.isFinite(v) || v < 0 : !Number.isFinite(v) || v <= 0) {
    throw new Error(nullErlaubt ? `--${name} braucht eine Zahl ≥ 0` : `--${name} braucht eine positive Zahl`);
  }
  return v;
}

/** A free TCP port on 127.0.0.1. */
export function freiePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('kein Port'))));
    });
  });
}
