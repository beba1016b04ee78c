/**
 * Configuration of the comp.ASS robot adapter (documented in README.md). Unset COMPASS_URL =
 * the local simulator (SIMULATOR_PORT + 1). Licence settings of the robot pool: ROBOT_….
 */
import { z } from 'zod';
import { readCredential, type CredentialSpec, type Secret } from '../../credentials';
import { parseEnv, robotTargetSchema, type RobotTargetSettings } from '../../robot-pool/config';

export const COMPASS_USER_DEFAULT = 'rpa.aktenlauf';

export const COMPASS_PASSWORD: CredentialSpec = {
  env: 'COMPASS_PASSWORD',
  description: 'Kennwort des Roboter-Benutzers in comp.ASS',
  simulatorDefault: 'compass-simulator',
};

const schema = z.object({
  COMPASS_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  COMPASS_USER: z.string().min(1).default(COMPASS_USER_DEFAULT),
  SIMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
});

export interface CompassConfig {
  url: string;
  user: string;
  password: Secret;
  robot: RobotTargetSettings;
}

export function loadCompassConfig(env: NodeJS.ProcessEnv = process.env): CompassConfig {
  const e = parseEnv(schema, env);
  return {
    url: e.COMPASS_URL ?? `http://127.0.0.1:${e.SIMULATOR_PORT + 1}`,
    user: e.COMPASS_USER,
    password: readCredential(COMPASS_PASSWORD, env),
    robot: parseEnv(robotTargetSchema('ROBOT_', { sessions: 3, ratePerMin: 30, attempts: 5 }), env),
  };
}
