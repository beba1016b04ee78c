/** The page frame: header with role-filtered navigation, user box with logout, main landmark. */
import { BEREICH_LABELS, ROLE_LABELS, pagesFor } from '../roles';
import { isKnownTeam, teamLabel } from '../teams';
import type { User } from '../users';
import { html, raw, type SafeHtml } from './html';

const CSS = `
:root { color-scheme: light; --blau: #0b3d6e; --text: #1b1b1b; --grau: #555; --linie: #c8ccd0; --ok: #0b6b2e; --fehler: #a4161a; --fokus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: var(--text); background: #fff; }
a { color: #0b4f91; text-underline-offset: 2px; }
a:hover { color: #063361; }
:focus-visible { outline: 3px solid var(--fokus); outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
.skip { position: absolute; left: 1rem; top: -4rem; background: #fff; color: #0b0c0c; padding: .5rem 1rem; z-index: 10; }
.skip:focus { top: .5rem; }
header.kopf { background: var(--blau); color: #fff; }
header.kopf .innen { max-width: 72rem; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; }
header.kopf .marke { font-size: 1.4rem; font-weight: 700; color: #fff; text-decoration: none; }
header.kopf nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
header.kopf nav a { color: #fff; }
header.kopf nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header.kopf .konto { margin-left: auto; display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
header.kopf .konto form { margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.75rem; margin: 0 0 1rem; }
button, .knopf { font: inherit; font-weight: 600; padding: .5rem 1rem; border: 2px solid transparent; border-radius: 4px; background: var(--blau); color: #fff; cursor: pointer; }
header.kopf button { background: #fff; color: var(--blau); }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type="text"], input[type="password"] { font: inherit; width: 100%; max-width: 22rem; padding: .5rem; border: 2px solid #505a5f; border-radius: 4px; }
.feld { margin-bottom: 1rem; }
.hinweis { color: var(--grau); }
.meldung { border-left: 6px solid var(--fehler); background: #fdf0f0; padding: .75rem 1rem; margin-bottom: 1rem; }
.info { border-left: 6px solid var(--blau); background: #f0f4f9; padding: .75rem 1rem; margin-bottom: 1rem; }
table { border-collapse: collapse; width: 100%; }
.tabelle { overflow-x: auto; margin-bottom: 1rem; }
.tabelle:focus-visible { outline: 3px solid var(--fokus); }
caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
th, td { text-align: left; vertical-align: top; padding: .5rem .75rem; border-bottom: 1px solid var(--linie); }
thead th { border-bottom: 2px solid #505a5f; }
.status-ok { color: var(--ok); font-weight: 700; }
.status-fehler { color: var(--fehler); font-weight: 700; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; word-break: break-all; }
ul.kacheln { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
ul.kacheln li { border: 1px solid var(--linie); border-radius: 6px; padding: 1rem; }
.zahlen { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; list-style: none; padding: 0; margin: 0 0 1rem; }
.zahlen li { border: 1px solid var(--linie); border-radius: 6px; padding: .5rem 1rem; }
.zahlen strong { font-size: 1.25rem; display: block; }
form.filter { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; margin-bottom: 1rem; }
form.filter .feld { margin: 0; }
select, textarea { font: inherit; padding: .5rem; border: 2px solid #505a5f; border-radius: 4px; }
textarea { width: 100%; max-width: 40rem; }
.aktionen { display: grid; gap: 1.5rem; margin: 1.5rem 0; }
.aktionen form { margin: 0; }
.erfolg { border-left: 6px solid var(--ok); background: #eef7f0; padding: .75rem 1rem; margin-bottom: 1rem; }
.prio-hoch { color: var(--fehler); font-weight: 700; }
dl.daten { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; }
dl.daten dt { font-weight: 600; }
dl.daten dd { margin: 0; }
`;

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  user?: User;
  csrf?: string;
  /** Path of the current page, marked in the navigation. */
  current?: string;
}

export function userLine(user: User): string {
  const parts = [ROLE_LABELS[user.role]];
  if (user.bereich) parts.push(BEREICH_LABELS[user.bereich]);
  if (user.team) parts.push(isKnownTeam(user.team) ? teamLabel(user.team) : `${user.team} (unbekannte Team-Kennung)`);
  return parts.join(', ');
}

function header(o: LayoutOptions): SafeHtml {
  const user = o.user;
  if (!user) {
    return html`<header class="kopf"><div class="innen"><span class="marke">Aktenlauf</span></div></header>`;
  }
  const links = pagesFor(user.role).map(
    (p) => html`<li><a href="${p.path}"${p.path === o.current ? raw(' aria-current="page"') : ''}>${p.label}</a></li>`,
  );
  return html`<header class="kopf"><div class="innen">
  <a class="marke" href="/">Aktenlauf</a>
  <nav aria-label="Hauptnavigation"><ul>${links}</ul></nav>
  <div class="konto">
    <span>Angemeldet: <strong>${user.displayName}</strong> (${user.username}) – ${userLine(user)}</span>
    <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${o.csrf ?? ''}"><button type="submit">Abmelden</button></form>
  </div>
</div></header>`;
}

/**
 * Every data table in a region that scrolls sideways when the window is narrower than the table
 * (WCAG 1.4.10 allows it for data tables), reachable by keyboard (2.1.1), named for screen readers —
 * so a wide table no longer makes the whole page wider than the window.
 */
function tabellenScrollbar(body: SafeHtml): SafeHtml {
  return raw(String(body)
    .replace(/<table\b/g, '<div class="tabelle" role="region" aria-label="Tabelle (seitlich scrollbar)" tabindex="0"><table')
    .replace(/<\/table>/g, '</table></div>'));
}

export function layout(o: LayoutOptions): string {
  return html`<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} – Aktenlauf</title>
<style>${raw(CSS)}</style>
</head>
<body>
<a class="skip" href="#inhalt">Zum Inhalt springen</a>
${header(o)}
<main id="inhalt" tabindex="-1">
${tabellenScrollbar(o.body)}
</main>
</body>
</html>
`.value;
}
