/**
 * Port of the citizen app (Bürger-App / Online-Postfach of the Jobcenter): citizens upload
 * documents there; the app's backend hands each submission to the engine as one XML message
 * (format: ./README.md) with sender metadata and the documents as base64 attachments.
 *
 * Transport into the engine: HTTP `POST /api/eingang/nachricht` on the intake watcher
 * (bearer token `BUERGER_APP_TOKEN`), or a file `*.xml` dropped into the app drop folder
 * (`data/intake/app/`) or the scanner hot folder. Both end in `IntakeWatcher.nimmNachricht`.
 *
 * Everything in a message is Sozialdaten: it is never logged, and reaches workflows only inside
 * encrypted payloads (`EingangInput.hinweise`). The sender's data and the BG-Nummer are hints,
 * checked like anything read from a document, never trusted blindly.
 */

/** Media types the app may attach. */
export const ANHANG_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'] as const;
export type AnhangMediaType = (typeof ANHANG_MEDIA_TYPES)[number];

export interface Absender {
  vorname?: string;
  nachname?: string;
  /** YYYY-MM-DD */
  geburtsdatum?: string;
  email?: string;
  /** Kundennummer as the citizen entered it (normalised when valid). */
  kundennummer?: string;
}

export interface Anhang {
  /** File name as the citizen's device named it: display only, never a path. */
  dateiname: string;
  mediaType: AnhangMediaType;
  inhalt: Buffer;
}

/** One submission of the citizen app, parsed and validated. */
export interface BuergerNachricht {
  /** The app's id of the submission (for its own reconciliation), if sent. */
  nachrichtId?: string;
  absender: Absender;
  /** BG-Nummer the citizen entered, normalised (absent when missing or not a valid BG-Nummer). */
  bgNummer?: string;
  /** The BG-Nummer as entered, when it was not valid (a hint for the person who checks). */
  bgNummerUngueltig?: string;
  betreff?: string;
  /** Instant the app received the submission (ISO 8601 with offset), as sent. */
  eingang: string;
  /** Day of receipt in Europe/Berlin (YYYY-MM-DD): the legal Eingangsdatum. */
  eingangsdatum: string;
  anhaenge: Anhang[];
}

export interface NachrichtGrenzen {
  /** Whole message in bytes (default 60 MB). */
  maxNachrichtBytes: number;
  /** Number of attachments (default 20). */
  maxAnhaenge: number;
  /** One attachment, decoded (default 25 MB). */
  maxAnhangBytes: number;
  /** How far the receipt instant may lie in the future (clock skew), ms (default 10 min). */
  maxZukunftMs: number;
}

export const STANDARD_GRENZEN: NachrichtGrenzen = {
  maxNachrichtBytes: 60 * 1024 * 1024,
  maxAnhaenge: 20,
  maxAnhangBytes: 25 * 1024 * 1024,
  maxZukunftMs: 10 * 60 * 1000,
};

export type NachrichtPruefung = { ok: true; nachricht: BuergerNachricht } | { ok: false; grund: string };
