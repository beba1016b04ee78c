/**
 * The engine's custom search attributes. They hold process names and states only:
 * never names, addresses or numbers of people (Sozialdaten stay in encrypted payloads).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PROZESS = defineSearchAttributeKey('AktenlaufProzess', SearchAttributeType.KEYWORD);
export const STATUS = defineSearchAttributeKey('AktenlaufStatus', SearchAttributeType.KEYWORD);
export const QUELLE = defineSearchAttributeKey('AktenlaufQuelle', SearchAttributeType.KEYWORD);
export const EINGANGSDATUM = defineSearchAttributeKey('AktenlaufEingangsdatum', SearchAttributeType.DATETIME);

/** All custom search attributes, for registration at every start (idempotent). */
export const ALL_SEARCH_ATTRIBUTES = [PROZESS, STATUS, QUELLE, EINGANGSDATUM] as const;

/** Process names as they appear in search attribute AktenlaufProzess. */
export const Prozess = {
  POSTEINGANG: 'posteingang',
  ZENTRALDRUCK: 'zentraldruck',
  WEITERBEWILLIGUNG: 'weiterbewilligung',
  TERMINVERGABE: 'terminvergabe',
} as const;
