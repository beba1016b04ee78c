/** Übersicht: greeting, role, and the pages this role may open. */
import { CODEC_ROLES, PAGES, ROLE_LABELS, pagesFor } from '../roles';
import type { User } from '../users';
import { html } from './html';
import { layout, userLine } from './layout';
import { alarmeHtml } from './betrieb';
import type { Alarm } from '../../platform/metrics';

export function uebersichtPage(o: { user: User; csrf: string; codecEndpoint: string; alarme?: readonly Alarm[] }): string {
  const { user } = o;
  const pages = pagesFor(user.role).filter((p) => p.path !== PAGES.uebersicht.path);
  const body = html`<h1>Übersicht</h1>
<p>Guten Tag, ${user.displayName}. Sie sind angemeldet als <strong>${ROLE_LABELS[user.role]}</strong>${user.team ? html` (${userLine(user)})` : ''}.</p>
${o.alarme ? alarmeHtml(o.alarme) : ''}
${pages.length > 0
    ? html`<h2>Ihre Bereiche</h2>
<ul class="kacheln">${pages.map((p) => html`<li><a href="${p.path}">${p.label}</a><p class="hinweis">${p.description}</p></li>`)}</ul>`
    : html`<div class="info">Für Ihre Rolle gibt es in dieser Ausbaustufe noch keine eigenen Seiten. Ihre Wiedervorlagen erscheinen hier, sobald der Posteingang Dokumente an Ihr Team weiterleitet.</div>`}
${CODEC_ROLES.includes(user.role)
    ? html`<h2>Entschlüsseln in der Temporal Web UI</h2>
<p>Workflow-Daten sind verschlüsselt. In der Temporal Web UI unter „Codec Server“ diesen Endpunkt eintragen und „Include cross-origin credentials“ einschalten: <code>${o.codecEndpoint}</code>. Jede Entschlüsselung wird protokolliert.</p>`
    : ''}`;
  return layout({ title: 'Übersicht', body, user, csrf: o.csrf, current: PAGES.uebersicht.path });
}
