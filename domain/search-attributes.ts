/**
 * The engine's custom search attributes. They hold process names and states only:
 * never names, addresses or numbers of people (Sozialdaten stay in encrypted payloads).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PROZESS = defineSearchAttributeKey('AktenlaufProzess', SearchAttributeType.KEYWORD);
export const STATUS = defineSearchAttributeKey('AktenlaufStatus', SearchAttributeType.KEYWORD);
export const QUELLE = defineSearchAttributeKey('AktenlaufQuelle', SearchAttributeType.KEYWORD);
export const EINGANGSDATUM = defineSearchAttributeKey('AktenlaufEingangsdatum', SearchAttributeType.DATETIME);
/** Responsible team (Fachverfahren team id; not personal data). */
export const TEAM = defineSearchAttributeKey('AktenlaufTeam', SearchAttributeType.KEYWORD);
/** Kind within a process, e.g. the Aufgabe kind or the letter type. */
export const ART = defineSearchAttributeKey('AktenlaufArt', SearchAttributeType.KEYWORD);
export const PRIORITAET = defineSearchAttributeKey('AktenlaufPrioritaet', SearchAttributeType.KEYWORD);
/** Due date / next deadline of the process instance. */
export const FAELLIG = defineSearchAttributeKey('AktenlaufFaellig', SearchAttributeType.DATETIME);
/** Business day the instance belongs to (print batch day, BWZ end). */
export const STICHTAG = defineSearchAttributeKey('AktenlaufStichtag', SearchAttributeType.DATETIME);

/** All custom search attributes, for registration at every start (idempotent). */
export const ALL_SEARCH_ATTRIBUTES = [PROZESS, STATUS, QUELLE, EINGANGSDATUM, TEAM, ART, PRIORITAET, FAELLIG, STICHTAG] as const;

/** Process names as they appear in search attribute AktenlaufProzess. */
export const Prozess = {
  POSTEINGANG: 'posteingang',
  ZENTRALDRUCK: 'zentraldruck',
  WEITERBEWILLIGUNG: 'weiterbewilligung',
  TERMINVERGABE: 'terminvergabe',
  AUFGABE: 'aufgabe',
} as const;

/** Process names as staff say them. */
export const PROZESS_LABELS: Record<string, string> = {
  posteingang: 'Posteingang', zentraldruck: 'Zentraldruck', weiterbewilligung: 'Weiterbewilligung', terminvergabe: 'Terminvergabe', aufgabe: 'Aufgaben',
};
