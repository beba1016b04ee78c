/**
 * Chromium for robots and browser tests: CHROMIUM_PATH, Debian's /usr/bin/chromium,
 * or a browser Playwright installed; installed with apt where we are root.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { isRoot, which } from './process';
import { StackError } from './temporal';

/** Flags for a closed network: no background traffic, no updates, no first-run UI. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater',
  '--metrics-recording-only',
  '--no-pings',
  '--password-store=basic',
];

const DEBIAN_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

export function locateChromium(fromEnv?: string): string | undefined {
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new StackError(`CHROMIUM_PATH=${fromEnv} existiert nicht.`, 'Pfad korrigieren oder CHROMIUM_PATH leeren.');
    return fromEnv;
  }
  const debian = DEBIAN_PATHS.find((p) => fs.existsSync(p)) ?? which('chromium');
  if (debian) return debian;
  try {
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return own;
  } catch {
    /* no Playwright browser installed */
  }
  return undefined;
}

export function ensureChromium(fromEnv: string | undefined, log: (m: string) => void): string {
  const found = locateChromium(fromEnv);
  if (found) return found;
  if (isRoot() && which('apt-get')) {
    log('Chromium fehlt; installiere das Debian-Paket chromium …');
    try {
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch {
      execFileSync('apt-get', ['update'], { stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    const after = locateChromium();
    if (after) return after;
  }
  throw new StackError('Chromium nicht gefunden.', 'Installieren: sudo apt-get install chromium — oder CHROMIUM_PATH auf eine Chromium-Datei setzen.');
}

export async function launchChromium(executablePath: string, opts: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30000, ...opts });
}
