/** The login form: labelled fields, double-submit CSRF token, error announced to screen readers. */
import { html } from './html';
import { layout } from './layout';

export interface LoginView {
  csrf: string;
  next: string;
  error?: string;
  username?: string;
}

export function loginPage(v: LoginView): string {
  const body = html`<h1>Anmelden</h1>
${v.error ? html`<div class="meldung" role="alert" id="login-fehler">${v.error}</div>` : ''}
<form method="post" action="/login" novalidate${v.error ? html` aria-describedby="login-fehler"` : ''}>
  <input type="hidden" name="_csrf" value="${v.csrf}">
  <input type="hidden" name="next" value="${v.next}">
  <div class="feld">
    <label for="benutzername">Benutzername</label>
    <input type="text" id="benutzername" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${v.username ?? ''}">
  </div>
  <div class="feld">
    <label for="passwort">Passwort</label>
    <input type="password" id="passwort" name="password" autocomplete="current-password" required>
  </div>
  <button type="submit">Anmelden</button>
</form>
<p class="hinweis">Zugang nur für Beschäftigte des Jobcenters. Anmeldungen werden protokolliert.</p>`;
  return layout({ title: 'Anmelden', body });
}
