/**
 * Roles of the console and the pages each role may open. One table: the navigation
 * and the server-side checks read the same entries, so they cannot drift apart.
 */
export const ROLES = ['postkorb', 'sachbearbeitung', 'leitung', 'it-admin', 'revision'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  postkorb: 'Postkorb/Backoffice',
  sachbearbeitung: 'Sachbearbeitung',
  leitung: 'Leitung',
  'it-admin': 'IT-Administration',
  revision: 'Datenschutz/Revision',
};

/** Sachbearbeitung is split in two areas that must not see each other's cases (§35 SGB I). */
export const BEREICHE = ['leistung', 'markt-integration'] as const;
export type Bereich = (typeof BEREICHE)[number];

export const BEREICH_LABELS: Record<Bereich, string> = {
  leistung: 'Leistung',
  'markt-integration': 'Markt & Integration',
};

export interface PageDef {
  path: string;
  label: string;
  /** One sentence for the overview page. */
  description: string;
  roles: readonly Role[];
}

export const PAGES = {
  uebersicht: { path: '/', label: 'Übersicht', description: 'Startseite mit Ihren Bereichen.', roles: ROLES },
  posteingang: {
    path: '/posteingang',
    label: 'Posteingang',
    description: 'Eingegangene Dokumente und ihr Bearbeitungsstand.',
    roles: ['postkorb', 'it-admin', 'leitung'],
  },
  postkorb: {
    path: '/postkorb',
    label: 'Postkorb',
    description: 'Dokumente, bei denen die Erkennung unsicher war: Dokumentart, Haushalt und Trennung prüfen und bestätigen.',
    roles: ['postkorb', 'leitung'],
  },
  quarantaene: {
    path: '/quarantaene',
    label: 'Quarantäne',
    description: 'Dateien, die die Eingangsprüfung nicht bestanden haben: mit Begründung freigeben oder verwerfen.',
    roles: ['it-admin', 'revision'],
  },
  aufgaben: {
    path: '/aufgaben',
    label: 'Eskalationen',
    description: 'Aufgaben Ihres Teams mit Fälligkeit und Priorität: übernehmen, erledigen, zurückgeben, kommentieren.',
    roles: ['sachbearbeitung', 'leitung'],
  },
  weiterbewilligung: {
    path: '/weiterbewilligung',
    label: 'Weiterbewilligung',
    description: 'Bald endende Bewilligungszeiträume je Team: Erinnerungen, eingegangene Anträge, Eskalationen.',
    roles: ['sachbearbeitung', 'leitung'],
  },
  postausgang: {
    path: '/postausgang',
    label: 'Postausgang',
    description: 'Zentraldruck: Sendungen je Tag, Briefe nach Status und Art, Ablehnungen mit Grund.',
    roles: ['postkorb', 'it-admin', 'leitung'],
  },
  status: {
    path: '/status',
    label: 'Systemstatus',
    description: 'Zustand von Temporal, Redis, Verschlüsselung und weiteren Diensten.',
    roles: ['it-admin', 'leitung'],
  },
  zeitplaene: {
    path: '/zeitplaene',
    label: 'Zeitpläne',
    description: 'Wiederkehrende Läufe: nächste und letzte Ausführung, anlegen, Takt ändern, pausieren, sofort auslösen, nachholen.',
    roles: ['it-admin'],
  },
  warteschlangen: {
    path: '/warteschlangen',
    label: 'Warteschlangen',
    description: 'Was wartet: Vorgänge je Prozess und Zustand, Roboter- und OCR-Aufträge, fehlgeschlagene Aufträge mit Fehler.',
    roles: ['it-admin'],
  },
  revision: {
    path: '/revision',
    label: 'Revision',
    description: 'Audit-Protokoll durchsuchen, die Hash-Kette prüfen und Auszüge exportieren.',
    roles: ['revision'],
  },
  termine: {
    path: '/termine',
    label: 'Termine',
    description: 'Online-Terminvergabe: Tagesansicht je Standort für den Empfang (einchecken, nicht erschienen).',
    roles: ['postkorb', 'leitung', 'it-admin'],
  },
  terminKapazitaet: {
    path: '/termine/kapazitaet',
    label: 'Terminkapazität',
    description: 'Standorte, Öffnungszeiten, Personal je Einheit, Schließtage der Online-Terminvergabe.',
    roles: ['it-admin'],
  },
  temporal: {
    path: '/temporal/',
    label: 'Temporal',
    description: 'Temporal Web UI: Verläufe der Workflows, entschlüsselt über die Konsole (jede Entschlüsselung wird protokolliert).',
    roles: ['it-admin', 'revision'],
  },
} as const satisfies Record<string, PageDef>;

/** Roles that may use the payload codec endpoint (decrypting workflow data in the Temporal UI). */
export const CODEC_ROLES: readonly Role[] = ['it-admin', 'revision'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function pagesFor(role: Role): PageDef[] {
  return Object.values(PAGES).filter((p: PageDef) => p.roles.includes(role));
}
