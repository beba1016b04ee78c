import fs from 'node:fs';
import net from 'node:net';

/**
 * Ports a test hands to a child process that binds them later (Temporal dev server, Redis, a
 * stack started twice on the same ports) must not come from the kernel's ephemeral range: every
 * outgoing connection of every process on the machine takes its local port from that range, and
 * a listener cannot bind a port an outgoing connection holds (EADDRINUSE). A port asked from the
 * OS with listen(0) is such a port; under a loaded test run one of the thousands of connections
 * took it in the gap before the child bound it (CI: "Temporal-Dev-Server hat sich sofort beendet").
 * So: a random port below the ephemeral range, checked bindable, never the same twice per process.
 */
const handedOut = new Set<number>();

function ephemeralLow(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && low > 12000) return low;
  } catch {
    /* not Linux: fall through */
  }
  return 32768;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 outside the ephemeral range, with `span` consecutive free ports
 * (the simulators listen on their base port and the next five).
 */
export async function freePort(span = 1): Promise<number> {
  const low = 10000;
  const high = ephemeralLow() - span;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    const ports = Array.from({ length: span }, (_, i) => port + i);
    if (ports.some((p) => handedOut.has(p))) continue;
    let ok = true;
    for (const p of ports) if (!(ok = await bindable(p))) break;
    if (!ok) continue;
    for (const p of ports) handedOut.add(p);
    return port;
  }
  throw new Error('no free port below the ephemeral range');
}
