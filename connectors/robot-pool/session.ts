/**
 * One robot session: a browser context with one page, logged in to the target system and
 * kept warm between jobs. Robot functions (the page scripts of a target) work through this
 * API so that the pool's rules hold everywhere:
 *  - a navigation that lands on the login page logs in again and repeats the navigation;
 *  - a form post that lands on the login page (session expired mid-action) is a
 *    TechnicalError SITZUNG_ABGELAUFEN: the job is retried, and the retry logs in again;
 *  - HTTP 5xx is a TechnicalError HTTP_5xx; a selector that is not on the page is a
 *    TechnicalError SELEKTOR_FEHLT at once (server-rendered pages are complete when loaded);
 *  - Playwright timeouts become TechnicalError ZEITUEBERSCHREITUNG (see worker.ts).
 */
import type { BrowserContext, Locator, Page, Response } from 'playwright-core';
import { TechnicalError } from '../errors';

export interface RobotSession {
  readonly page: Page;
  readonly baseUrl: string;
  /** Opens a page of the target (path relative to baseUrl); logs in again if needed. */
  goto(pfad: string): Promise<void>;
  /**
   * Clicks a submit button and waits for the next page. Landing on the login page is a
   * TechnicalError SITZUNG_ABGELAUFEN, except for the login form itself (`anmeldung: true`).
   */
  submit(selector: string, beschreibung: string, o?: { anmeldung?: boolean }): Promise<void>;
  /** The element, which must be on the page (else TechnicalError SELEKTOR_FEHLT). */
  element(selector: string, beschreibung: string): Promise<Locator>;
  exists(selector: string): Promise<boolean>;
  text(selector: string, beschreibung: string): Promise<string>;
  fill(selector: string, value: string, beschreibung: string): Promise<void>;
  select(selector: string, value: string, beschreibung: string): Promise<void>;
}

export interface RobotDefinition {
  /** Target system, e.g. 'compass' (queue `robots-compass`). */
  system: string;
  /** Human name for logs and health, e.g. 'comp.ASS'. */
  label: string;
  baseUrl: string;
  isLoginPage(page: Page): Promise<boolean>;
  /** Logs in on the login page that is currently open (fills and submits the form). */
  login(session: RobotSession): Promise<void>;
  /** The page scripts, by job name. They return plain JSON-able results. */
  actions: Record<string, (session: RobotSession, data: never) => Promise<unknown>>;
}

export class PageSession implements RobotSession {
  loggedIn = false;
  logins = 0;

  constructor(
    readonly def: RobotDefinition,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly timeoutMs: number,
  ) {
    page.setDefaultTimeout(timeoutMs);
    page.setDefaultNavigationTimeout(timeoutMs);
  }

  get baseUrl(): string {
    return this.def.baseUrl;
  }

  private url(pfad: string): string {
    return new URL(pfad, this.def.baseUrl.endsWith('/') ? this.def.baseUrl : `${this.def.baseUrl}/`).toString();
  }

  private check(resp: Response | null): void {
    if (!resp) return;
    const status = resp.status();
    if (status >= 500) throw new TechnicalError(`HTTP_${status}`, `Das Zielsystem antwortete mit HTTP ${status}.`);
    if (status === 404) throw new TechnicalError('HTTP_404', 'Die Seite des Zielsystems gibt es nicht (HTTP 404): Oberfläche geändert?');
    if (status >= 400 && status !== 401 && status !== 403) throw new TechnicalError(`HTTP_${status}`, `Das Zielsystem antwortete mit HTTP ${status}.`);
  }

  async ensureLoggedIn(): Promise<void> {
    if (this.loggedIn) return;
    await this.goto('');
  }

  async login(): Promise<void> {
    this.logins += 1;
    await this.def.login(this);
    if (await this.def.isLoginPage(this.page)) {
      throw Object.assign(new TechnicalError('ANMELDUNG_ABGELEHNT', 'Die Anmeldung am Zielsystem wurde abgelehnt (Benutzer/Kennwort prüfen).'), { retryable: false });
    }
    this.loggedIn = true;
  }

  async goto(pfad: string): Promise<void> {
    const target = this.url(pfad);
    this.check(await this.page.goto(target, { waitUntil: 'domcontentloaded' }));
    if (!(await this.def.isLoginPage(this.page))) {
      this.loggedIn = true;
      return;
    }
    this.loggedIn = false;
    await this.login();
    if (this.page.url() !== target) this.check(await this.page.goto(target, { waitUntil: 'domcontentloaded' }));
    if (await this.def.isLoginPage(this.page)) {
      this.loggedIn = false;
      throw new TechnicalError('SITZUNG_ABGELAUFEN', 'Die Sitzung am Zielsystem endete sofort nach der Anmeldung.');
    }
  }

  async submit(selector: string, beschreibung: string, o: { anmeldung?: boolean } = {}): Promise<void> {
    const button = await this.element(selector, beschreibung);
    const [resp] = await Promise.all([this.page.waitForNavigation({ waitUntil: 'domcontentloaded' }), button.click()]);
    this.check(resp);
    if (!o.anmeldung && (await this.def.isLoginPage(this.page))) {
      this.loggedIn = false;
      throw new TechnicalError('SITZUNG_ABGELAUFEN', 'Die Sitzung am Zielsystem ist während der Aktion abgelaufen.');
    }
  }

  async element(selector: string, beschreibung: string): Promise<Locator> {
    const loc = this.page.locator(selector);
    const n = await loc.count();
    if (n === 0) throw new TechnicalError('SELEKTOR_FEHLT', `Element „${beschreibung}“ (${selector}) fehlt auf der Seite: Oberfläche geändert?`);
    return loc.first();
  }

  async exists(selector: string): Promise<boolean> {
    return (await this.page.locator(selector).count()) > 0;
  }

  async text(selector: string, beschreibung: string): Promise<string> {
    return ((await (await this.element(selector, beschreibung)).textContent()) ?? '').trim();
  }

  async fill(selector: string, value: string, beschreibung: string): Promise<void> {
    await (await this.element(selector, beschreibung)).fill(value);
  }

  async select(selector: string, value: string, beschreibung: string): Promise<void> {
    await (await this.element(selector, beschreibung)).selectOption(value);
  }
}
