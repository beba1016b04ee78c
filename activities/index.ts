/** All activities of the engine, created with their dependencies. */
import { createRegisterActivities, type RegisterDeps } from './posteingang/register';

export type ActivityDeps = RegisterDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createRegisterActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
