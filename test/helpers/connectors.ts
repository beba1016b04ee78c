/**
 * The outside world for a test: every registered simulator started in-process (free ports,
 * folders under the test's data dir, delays near zero) and the engine's default adapters on
 * them, as `Connectors` for startTestEngine({ connectors }).
 */
import type { Connectors } from '../../connectors';
import { createConnectors } from '../../connectors';
import type { Config } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { codecFromConfig } from '../../platform/temporal';
import { startSimulators, type StartedSimulators } from '../../workers/simulators';
import { testStack } from './env';

/** Fast simulator timings for tests (read by the simulators from process.env at start). */
export const FAST_SIMULATORS: Record<string, string> = {
  OPEN_PROSOZ_SIM_IMPORT_POLL_MS: '25',
  OPEN_PROSOZ_SIM_EXPORT_DELAY_MS: '0',
  OPEN_PROSOZ_ACK_POLL_MS: '25',
  OPEN_PROSOZ_REFRESH_MS: '100',
  EAKTE_SIM_POLL_MS: '25',
  EAKTE_SIM_IMPORT_DELAY_MS: '0',
  EAKTE_SIM_API_DELAY_MS: '0',
  EAKTE_POLL_MS: '25',
  DRUCKZENTRUM_SIM_SCHRITT_MS: '50,50,50',
};

export interface TestWorld {
  connectors: Connectors;
  simulators: StartedSimulators;
  /** URL of a simulator by id (e.g. 'eakte', 'druckzentrum-api', 'compass'). */
  url(id: string): string | undefined;
  stop(): Promise<void>;
}

export async function startTestWorld(cfg: Config, extraEnv: Record<string, string> = {}): Promise<TestWorld> {
  const log = createLogger('test-world', 'silent');
  Object.assign(process.env, FAST_SIMULATORS, extraEnv);
  const simulators = await startSimulators(cfg, log, { anyPort: true });
  const url = (id: string) => simulators.running.find((r) => r.spec.id === id)?.sim.url;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(url('eakte') ? { EAKTE_API_URL: url('eakte') } : {}),
    ...(url('druckzentrum-api') ? { EPOST_URL: url('druckzentrum-api') } : {}),
    ...(url('compass') ? { COMPASS_URL: url('compass') } : {}),
    ...(url('termine') ? { TERMINE_URL: url('termine') } : {}),
  };
  const { codec } = codecFromConfig(cfg, false);
  const connectors = await createConnectors(cfg, { log, redisUrl: testStack().redisUrl, codec, env });
  return {
    connectors,
    simulators,
    url,
    async stop() {
      await connectors.close();
      await simulators.stop();
    },
  };
}
