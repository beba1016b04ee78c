/**
 * Configuration of the Terminsystem connector (documented in connectors/termine/README.md).
 * Unset TERMINE_URL = the local simulator (SIMULATOR_PORT + 4).
 */
import { z } from 'zod';
import { readCredential, type CredentialSpec, type Secret } from '../credentials';
import { parseEnv, robotTargetSchema, type RobotTargetSettings } from '../robot-pool/config';

export const TERMINE_USER_DEFAULT = 'jc-roboter';

export const TERMINE_PASSWORD: CredentialSpec = {
  env: 'TERMINE_PASSWORD',
  description: 'Kennwort des Roboter-Benutzers in der Terminverwaltung des Landratsamts',
  simulatorDefault: 'termine-simulator',
};

const schema = z.object({
  TERMINE_ADAPTER: z.enum(['robot']).default('robot'),
  TERMINE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  TERMINE_USER: z.string().min(1).default(TERMINE_USER_DEFAULT),
  SIMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
});

export interface TermineConfig {
  adapter: 'robot';
  url: string;
  user: string;
  password: Secret;
  robot: RobotTargetSettings;
}

export function loadTermineConfig(env: NodeJS.ProcessEnv = process.env): TermineConfig {
  const e = parseEnv(schema, env);
  return {
    adapter: e.TERMINE_ADAPTER,
    url: e.TERMINE_URL ?? `http://127.0.0.1:${e.SIMULATOR_PORT + 4}`,
    user: e.TERMINE_USER,
    password: readCredential(TERMINE_PASSWORD, env),
    robot: parseEnv(robotTargetSchema('TERMINE_ROBOT_', { sessions: 1, ratePerMin: 30, attempts: 4 }), env),
  };
}
