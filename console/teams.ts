/**
 * Team directory of the console: the team ids a user record may carry (users.ts `team`) and
 * their display names. The ids are the Fachverfahren's team ids, the same that workflows put
 * into the AktenlaufTeam search attribute; here they come from the simulated Landkreis
 * (connectors/fachverfahren/landkreis). A user whose team is not a known id sees no team data.
 */
import { erzeugeTeams } from '../connectors/fachverfahren/landkreis/generator';
import type { Team } from '../connectors/fachverfahren/port';
import type { Bereich } from './roles';

const TEAMS: readonly Team[] = erzeugeTeams();
const BY_ID = new Map(TEAMS.map((t) => [t.id, t]));

/** Safe to put into a visibility query between single quotes. */
const TEAM_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

export function teamById(id: string | undefined): Team | undefined {
  return id !== undefined ? BY_ID.get(id) : undefined;
}

export function isKnownTeam(id: string | undefined): id is string {
  return id !== undefined && TEAM_ID_PATTERN.test(id) && BY_ID.has(id);
}

/** Display text of a team: its name with the id, or the raw value when unknown. */
export function teamLabel(id: string): string {
  const t = BY_ID.get(id);
  return t ? `${t.name} (${t.id})` : id;
}

export function teamsOfBereich(bereich: Bereich): Team[] {
  return TEAMS.filter((t) => t.bereich === bereich);
}

export function allTeams(): readonly Team[] {
  return TEAMS;
}
