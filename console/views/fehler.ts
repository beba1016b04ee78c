/** Error pages (403, 404, 500 …) inside the normal frame. */
import type { User } from '../users';
import { html } from './html';
import { layout } from './layout';

export function fehlerPage(o: { title: string; message: string; user?: User; csrf?: string }): string {
  const body = html`<h1>${o.title}</h1>
<div class="meldung" role="alert">${o.message}</div>
<p><a href="/">Zur Übersicht</a></p>`;
  return layout({ title: o.title, body, user: o.user, csrf: o.csrf });
}
