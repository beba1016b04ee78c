/**
 * Credentials of a connector, declared once (name + description) and read from the
 * environment (`NAME`) or from a file (`NAME_FILE`) readable only by its owner. Never in
 * code, logs or workflow payloads: a Secret prints as "[geheim]".
 */
import fs from 'node:fs';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[geheim]';
  }
  toJSON(): string {
    return '[geheim]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([geheim])';
  }
}

export interface CredentialSpec {
  /** Environment variable name, e.g. COMPASS_PASSWORD (or COMPASS_PASSWORD_FILE). */
  env: string;
  description: string;
  /** Used for the local simulators only, when neither variable is set. */
  simulatorDefault?: string;
}

export class CredentialError extends Error {
  override name = 'CredentialError';
}

export function readCredential(spec: CredentialSpec, env: NodeJS.ProcessEnv = process.env): Secret {
  const direct = env[spec.env];
  if (direct) return new Secret(direct);
  const file = env[`${spec.env}_FILE`];
  if (file) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new CredentialError(`${spec.env}_FILE=${file} existiert nicht (${spec.description}).`);
    }
    if ((st.mode & 0o077) !== 0) {
      throw new CredentialError(`${spec.env}_FILE=${file} ist für andere lesbar (Modus ${(st.mode & 0o777).toString(8)}); chmod 600 ${file}`);
    }
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
      throw new CredentialError(`${spec.env}_FILE=${file} gehört einem anderen Benutzer.`);
    }
    return new Secret(fs.readFileSync(file, 'utf8').trim());
  }
  if (spec.simulatorDefault !== undefined) return new Secret(spec.simulatorDefault);
  throw new CredentialError(`Zugangsdaten fehlen: ${spec.env} oder ${spec.env}_FILE setzen (${spec.description}).`);
}
