/** Activities of operations (issue 7): retention and the daily health report. */
import type { ActivityDeps } from '../index';
import { createAufbewahrungActivities } from './aufbewahrung';
import { createBerichtActivities } from './bericht';

export function createBetriebActivities(deps: ActivityDeps) {
  return { ...createAufbewahrungActivities(deps), ...createBerichtActivities(deps) };
}
