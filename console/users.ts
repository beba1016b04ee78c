/**
 * Local users of the console: a JSON file (cfg.console.usersFile) with scrypt password hashes.
 * When the file is missing, the demo users are seeded, one per role; their password comes
 * from AKTENLAUF_DEMO_PASSWORD or is generated into <dataDir>/demo-zugang.txt (mode 0600).
 * The password itself is never logged.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { BEREICHE, ROLES, ROLE_LABELS, type Bereich, type Role } from './roles';
import { teamLabel } from './teams';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const DEMO_ACCESS_FILE_NAME = 'demo-zugang.txt';

/** scrypt cost for new hashes (N = 2^15, r = 8: 32 MiB, about 50–100 ms per hash). */
const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;
/** Upper bounds for parameters read from the file, so an edited file cannot exhaust memory. */
const MAX_N = 2 ** 20;

const passwordHashSchema = z.object({
  algo: z.literal('scrypt'),
  N: z.number().int().min(2 ** 14).max(MAX_N).refine((n) => (n & (n - 1)) === 0, 'N muss eine Zweierpotenz sein'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  keyLength: z.number().int().min(16).max(64),
  salt: z.base64(),
  hash: z.base64(),
});
export type PasswordHash = z.infer<typeof passwordHashSchema>;

const userRecordSchema = z.object({
  username: z.string().regex(USERNAME_PATTERN),
  displayName: z.string().min(1).max(100),
  role: z.enum(ROLES),
  bereich: z.enum(BEREICHE).optional(),
  team: z.string().min(1).max(100).optional(),
  password: passwordHashSchema,
});
type UserRecord = z.infer<typeof userRecordSchema>;

const usersFileSchema = z.object({ version: z.literal(1), users: z.array(userRecordSchema) });

/** A user as the rest of the console sees it (no password hash). */
export interface User {
  username: string;
  displayName: string;
  role: Role;
  bereich?: Bereich;
  team?: string;
}

export class UsersFileError extends Error {
  override name = 'UsersFileError';
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function scryptOptions(h: { N: number; r: number; p: number }): ScryptOptions {
  return { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 };
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT_PARAMS.keyLength, scryptOptions(SCRYPT_PARAMS));
  return { algo: 'scrypt', ...SCRYPT_PARAMS, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(stored.salt, 'base64'), stored.keyLength, scryptOptions(stored));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Compared against when the user name is unknown, so both cases cost the same time. */
let dummyHash: Promise<PasswordHash> | undefined;

export interface NewUser extends User {
  password: string;
}

export const DEMO_USERS: readonly User[] = [
  { username: 'postkorb', displayName: 'Demo Postkorb', role: 'postkorb' },
  // Teams are Fachverfahren team ids (console/teams.ts): "Team A–D Süd" and "Markt & Integration Nord".
  { username: 'sb-leistung', displayName: 'Demo Sachbearbeitung Leistung', role: 'sachbearbeitung', bereich: 'leistung', team: 'LE-S-AD' },
  { username: 'sb-mi', displayName: 'Demo Sachbearbeitung M&I', role: 'sachbearbeitung', bereich: 'markt-integration', team: 'MI-N' },
  { username: 'leitung', displayName: 'Demo Leitung', role: 'leitung' },
  { username: 'it-admin', displayName: 'Demo IT-Administration', role: 'it-admin' },
  { username: 'revision', displayName: 'Demo Datenschutz/Revision', role: 'revision' },
];

export function normalizeUsername(input: string): string {
  return input.trim().toLowerCase();
}

function toUser(r: UserRecord): User {
  return { username: r.username, displayName: r.displayName, role: r.role, bereich: r.bereich, team: r.team };
}

function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export class UserStore {
  private constructor(
    readonly file: string,
    private readonly records: Map<string, UserRecord>,
  ) {}

  /** Loads the users file, seeding the demo users first when it does not exist. */
  static async open(cfg: Config, log?: Logger): Promise<UserStore> {
    const file = cfg.console.usersFile;
    if (!fs.existsSync(file)) await seedDemoUsers(cfg, log);
    let parsed: z.infer<typeof usersFileSchema>;
    try {
      parsed = usersFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (err) {
      const reason = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message;
      throw new UsersFileError(`Benutzerdatei ${file} ist ungültig: ${reason}`);
    }
    const records = new Map<string, UserRecord>();
    for (const r of parsed.users) {
      if (records.has(r.username)) throw new UsersFileError(`Benutzerdatei ${file}: Benutzer ${r.username} kommt doppelt vor`);
      records.set(r.username, r);
    }
    return new UserStore(file, records);
  }

  get(username: string): User | undefined {
    const r = this.records.get(normalizeUsername(username));
    return r ? toUser(r) : undefined;
  }

  list(): User[] {
    return [...this.records.values()].map(toUser);
  }

  /**
   * The user if name and password match, else undefined. Unknown names cost the same
   * scrypt work as wrong passwords, so the answer time does not reveal which names exist.
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const record = this.records.get(normalizeUsername(username));
    if (!record) {
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, await dummyHash);
      return undefined;
    }
    return (await verifyPassword(password, record.password)) ? toUser(record) : undefined;
  }

  /** Adds or replaces a user and writes the file (for the CLI and tests). */
  async upsert(user: NewUser): Promise<User> {
    const record = userRecordSchema.parse({
      username: normalizeUsername(user.username),
      displayName: user.displayName,
      role: user.role,
      bereich: user.bereich,
      team: user.team,
      password: await hashPassword(user.password),
    });
    this.records.set(record.username, record);
    writeUsersFile(this.file, [...this.records.values()]);
    return toUser(record);
  }
}

function writeUsersFile(file: string, users: UserRecord[]): void {
  writeFileAtomic(file, JSON.stringify({ version: 1, users }, null, 2) + '\n');
}

function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const groups: string[] = [];
  for (let g = 0; g < 4; g += 1) {
    let s = '';
    for (let i = 0; i < 5; i += 1) s += alphabet[randomInt(alphabet.length)];
    groups.push(s);
  }
  return groups.join('-');
}

export function demoAccessFile(cfg: Config): string {
  return path.join(cfg.dataDir, DEMO_ACCESS_FILE_NAME);
}

async function seedDemoUsers(cfg: Config, log?: Logger): Promise<void> {
  const fromEnv = cfg.console.demoPassword;
  const password = fromEnv ?? generatePassword();
  const records: UserRecord[] = [];
  for (const u of DEMO_USERS) records.push({ ...u, password: await hashPassword(password) });
  if (!fromEnv) {
    const file = demoAccessFile(cfg);
    const lines = [
      'Aktenlauf – Demo-Zugang (nur für die lokale Erprobung, nicht für echte Sozialdaten)',
      '',
      `Passwort: ${password}`,
      '',
      'Benutzer:',
      ...DEMO_USERS.map((u) => `  ${u.username.padEnd(12)} ${ROLE_LABELS[u.role]}${u.team ? ` (${teamLabel(u.team)})` : ''}`),
      '',
      `Die Benutzer stehen in ${cfg.console.usersFile}; diese Datei nach dem ersten Anmelden löschen.`,
      '',
    ];
    writeFileAtomic(file, lines.join('\n'));
    log?.warn({ file }, 'Demo-Benutzer angelegt; Passwort siehe Datei');
  } else {
    log?.info('Demo-Benutzer angelegt; Passwort aus AKTENLAUF_DEMO_PASSWORD');
  }
  writeUsersFile(cfg.console.usersFile, records);
}

export interface DemoAccess {
  usernames: string[];
  /** env: AKTENLAUF_DEMO_PASSWORD; file: generated into `file`. */
  source: 'env' | 'file';
  password: string;
  file?: string;
}

/**
 * What the CLI prints after `aktenlauf up`: the demo user names and where their password
 * comes from. Undefined when no demo password is known (no file, no environment variable).
 */
export function demoAccess(cfg: Config): DemoAccess | undefined {
  const usernames = DEMO_USERS.map((u) => u.username);
  if (cfg.console.demoPassword) return { usernames, source: 'env', password: cfg.console.demoPassword };
  const file = demoAccessFile(cfg);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const password = /^Passwort: (\S+)$/m.exec(text)?.[1];
  return password ? { usernames, source: 'file', password, file } : undefined;
}
