/**
 * Postkorb, Quarantäne and the Posteingang overview over real HTTP, against Posteingang
 * workflows (test doubles with the contract's names, queries, updates and search attributes)
 * on the real Temporal dev server: roles refused on the server, list filters and counts,
 * page images with the BG-Nummer box, a decision reaching the workflow, the workflow's
 * refusal shown at the field, split review, quarantine with a mandatory reason, CSRF, audit.
 */
import sharp from 'sharp';
import { PosteingangStatus, type DateiZustand, type DokumentZustand } from '../../domain/posteingang';
import { PROZESS, Prozess, STATUS } from '../../domain/search-attributes';
import { eventually } from '../helpers/engine';
import { csrfOf, type Agent } from '../helpers/http-agent';
import { BG_BEKANNT, BG_ZWEITE, startPostkorbWelt, type PostkorbWelt } from './fixtures/postkorb-welt';

let welt: PostkorbWelt;

beforeAll(async () => {
  welt = await startPostkorbWelt();
});

afterAll(async () => {
  await welt?.stop();
});

/** The page once visibility has caught up. */
async function seiteBis(agent: Agent, url: string, until: (text: string) => boolean): Promise<string> {
  return eventually(async () => {
    const { res, text } = await agent.request(url);
    expect(res.status).toBe(200);
    return until(text) ? text : undefined;
  }, `${url} aktuell`);
}

function zeile(text: string, workflowId: string): string | undefined {
  const m = new RegExp(`<tr data-workflow-id="${workflowId}"[^>]*>[\\s\\S]*?</tr>`).exec(text);
  return m?.[0];
}

test('roles: Sachbearbeitung and Revision are refused the Postkorb; IT sees counts only; refusals audited', async () => {
  const h = await welt.dokument();
  const sb = await welt.loggedIn('sb-leistung');
  for (const url of ['/postkorb', `/postkorb/${h.workflowId}`, `/postkorb/${h.workflowId}/seite/1`, '/quarantaene', '/posteingang']) {
    const { res, text } = await sb.request(url);
    expect(res.status).toBe(403);
    expect(text).toContain('Keine Berechtigung');
  }
  const revision = await welt.loggedIn('revision');
  expect((await revision.request('/postkorb')).res.status).toBe(403);
  expect((await revision.request(`/postkorb/${h.workflowId}`)).res.status).toBe(403);
  const it = await welt.loggedIn('it-admin');
  expect((await it.request(`/postkorb/${h.workflowId}`)).res.status).toBe(403);
  const overview = await seiteBis(it, '/posteingang', (t) => t.includes(h.workflowId));
  expect(overview).toMatch(/<li data-status="pruefung"><a href="\/posteingang\?status=pruefung"><strong>\d+<\/strong> Wartet auf Prüfung<\/a><\/li>/); // no link to the Postkorb for IT
  expect(overview).not.toContain('href="/postkorb');
  const postkorb = await welt.loggedIn('postkorb');
  expect((await postkorb.request('/quarantaene')).res.status).toBe(403);
  // A POST by a role without the page: refused before anything reaches the workflow.
  const page = await sb.request('/');
  const post = await sb.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrfOf(page.text), dokumentart: 'KONTOAUSZUG', bgNummer: BG_BEKANNT } });
  expect(post.res.status).toBe(403);
  expect((await h.query<DokumentZustand>('zustand')).status).toBe('pruefung');
  expect(welt.audit()).toEqual(expect.arrayContaining([
    expect.objectContaining({ actor: 'sb-leistung', action: 'zugriff.verweigert', target: '/postkorb', outcome: 'abgelehnt' }),
    expect.objectContaining({ actor: 'revision', action: 'zugriff.verweigert', target: '/postkorb/:workflowId', outcome: 'abgelehnt' }),
  ]));
});

test('the queue: oldest first, counts, filters by type, source, day of receipt and overdue; no personal data in the list', async () => {
  const alt = await welt.dokument({ eingangsdatum: '2026-11-02', dokumentart: 'MIETVERTRAG', quelle: 'upload' });
  const neu = await welt.dokument({ eingangsdatum: '2026-11-24', dokumentart: 'KONTOAUSZUG' });
  const ueber = await welt.dokument({ eingangsdatum: '2026-11-10', status: PosteingangStatus.PRUEFUNG_UEBERFAELLIG, dokumentart: 'WIDERSPRUCH', pruefFrist: '2026-11-11T15:00:00Z' });
  const fertig = await welt.dokument({ status: PosteingangStatus.ABGELEGT });
  const agent = await welt.loggedIn('postkorb');
  const text = await seiteBis(agent, '/postkorb', (t) => [alt, neu, ueber].every((h) => t.includes(h.workflowId)));
  expect(text).not.toContain(fertig.workflowId);
  expect(text.indexOf(alt.workflowId)).toBeLessThan(text.indexOf(ueber.workflowId));
  expect(text.indexOf(ueber.workflowId)).toBeLessThan(text.indexOf(neu.workflowId));
  expect(zeile(text, ueber.workflowId)).toContain('class="ueberfaellig"');
  expect(zeile(text, ueber.workflowId)).toContain('Widerspruch');
  expect(zeile(text, alt.workflowId)).toContain('Upload (Bürger-App)');
  expect(zeile(text, alt.workflowId)).toContain('02.11.2026');
  expect(text).toMatch(/<li id="zahl-ueberfaellig" class="ueberfaellig-text"><strong>[1-9]\d*<\/strong> überfällig<\/li>/);
  expect(text).toMatch(/<li data-art="MIETVERTRAG"><strong>[1-9]\d*<\/strong> Mietvertrag<\/li>/);
  expect(text).not.toContain(BG_BEKANNT);
  expect(text).not.toContain('scan-0001.pdf');

  const nurMiete = await seiteBis(agent, '/postkorb?art=MIETVERTRAG', (t) => t.includes(alt.workflowId));
  expect(nurMiete).not.toContain(neu.workflowId);
  expect(nurMiete).toContain('<option value="MIETVERTRAG" selected>');
  const nurUpload = await seiteBis(agent, '/postkorb?quelle=upload', (t) => t.includes(alt.workflowId));
  expect(nurUpload).not.toContain(neu.workflowId);
  const zeitraum = await seiteBis(agent, '/postkorb?von=2026-11-05&bis=2026-11-20', (t) => t.includes(ueber.workflowId));
  expect(zeitraum).not.toContain(alt.workflowId);
  expect(zeitraum).not.toContain(neu.workflowId);
  // "bis" includes its own day (the QA found a one-day range empty).
  const einTag = await seiteBis(agent, '/postkorb?von=2026-11-10&bis=2026-11-10', (t) => t.includes(ueber.workflowId));
  expect(einTag).not.toContain(alt.workflowId);
  // An impossible date is said and left out, not sent to Temporal (which failed the whole page with a 503).
  const unmoeglich = await agent.request('/postkorb?von=2026-13-45&bis=2026-02-30');
  expect(unmoeglich.res.status).toBe(200);
  expect(unmoeglich.text).toContain('„2026-13-45“ im Feld „Eingang von“ ist kein gültiges Datum');
  expect(unmoeglich.text).toContain('„2026-02-30“ im Feld „Eingang bis“ ist kein gültiges Datum');
  const ueberfaellig = await seiteBis(agent, '/postkorb?ueberfaellig=1', (t) => t.includes(ueber.workflowId));
  expect(ueberfaellig).not.toContain(alt.workflowId);
  // Values outside the lists are ignored, never put into the visibility query.
  const boese = await agent.request(`/postkorb?art=${encodeURIComponent("X' OR 1=1")}&von=gestern`);
  expect(boese.res.status).toBe(200);
  expect(welt.audit()).toContainEqual(expect.objectContaining({ actor: 'postkorb', action: 'postkorb.ansehen', outcome: 'erfolg' }));
});

test('one document: page image with the BG-Nummer box, top types, household, reasons; each view and image audited', async () => {
  const h = await welt.dokument({ pruefGruende: ['konfidenz', 'haushalt-unbekannt'] });
  const agent = await welt.loggedIn('postkorb');
  const { res, text } = await agent.request(`/postkorb/${h.workflowId}`);
  expect(res.status).toBe(200);
  expect(text).toContain('<h1>Dokument prüfen: Kontoauszug</h1>');
  expect(text).toContain(`<img src="/postkorb/${h.workflowId}/seite/1"`);
  // The box spans the three words "96201", "BG", "0012345" (not the "BG-Nr.:" prefix), in % of the image.
  const box = /<div class="markierung" data-art="bg-nummer" style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"/.exec(text);
  expect(box).not.toBeNull();
  const [left, top] = [Number(box![1]), Number(box![2])];
  expect(left).toBeGreaterThan((80 + 14 * 7 + 10) / 850 * 100);
  expect(top).toBeCloseTo((180 / 1100) * 100, 1);
  expect(text).toMatch(/<ol id="top-arten"><li data-art="KONTOAUSZUG"><kbd>1<\/kbd> Kontoauszug – 62 %<\/li><li data-art="EINKOMMENSNACHWEIS"><kbd>2<\/kbd>/);
  expect(text).toContain('BG-Nummer im Fachverfahren nicht gefunden');
  expect(text).toContain(`value="${BG_BEKANNT}"`);
  expect(text).toContain('<script src="/postkorb/tastatur.js" defer></script>');

  const bild = await fetch(`${welt.base}/postkorb/${h.workflowId}/seite/1`, { headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  expect(bild.status).toBe(200);
  expect(bild.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await bild.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
  // A page that is not part of this document, and a workflow that is no Posteingang: 404.
  expect((await agent.request(`/postkorb/${h.workflowId}/seite/2`)).res.status).toBe(404);
  expect((await agent.request('/postkorb/gibt-es-nicht')).res.status).toBe(404);
  expect((await agent.request('/postkorb/..%2F..%2Fetc')).res.status).toBe(404);
  const script = await agent.request('/postkorb/tastatur.js');
  expect(script.res.headers.get('content-type')).toContain('javascript');

  const eintraege = welt.audit().filter((e) => e.actor === 'postkorb' && e.action === 'dokument.ansehen');
  expect(eintraege.map((e) => `${e.target} ${e.outcome}`)).toEqual(expect.arrayContaining([
    `posteingang ${h.workflowId} erfolg`,
    `posteingang ${h.workflowId} seite 1 erfolg`,
    `posteingang ${h.workflowId} seite 2 (gehört nicht zum Vorgang) abgelehnt`,
    'posteingang gibt-es-nicht (nicht gefunden) abgelehnt',
  ]));
  expect(JSON.stringify(welt.audit())).not.toContain(BG_BEKANNT);
});

test('text-only page: no image, the text is shown instead', async () => {
  const h = await welt.dokument({ bild: false });
  const agent = await welt.loggedIn('leitung');
  const { res, text } = await agent.request(`/postkorb/${h.workflowId}`);
  expect(res.status).toBe(200);
  expect(text).toContain('Seite 1: kein Seitenbild vorhanden');
  expect(text).toMatch(/<details open><summary>Gelesener Text<\/summary><pre class="text">Jobcenter Landkreis Musterstadt BG-Nr.:/);
  expect((await agent.request(`/postkorb/${h.workflowId}/seite/1`)).res.status).toBe(404);
});

test('text-layer page of a PDF without a stored image: rendered on demand from the stored original', async () => {
  const h = await welt.dokument({ pdf: true });
  const agent = await welt.loggedIn('postkorb');
  const { text } = await agent.request(`/postkorb/${h.workflowId}`);
  expect(text).toContain(`<img src="/postkorb/${h.workflowId}/seite/1" alt="Seite 1 des Dokuments; markiert: BG-Nummer ${BG_BEKANNT}"`);
  // The box comes from the PDF's text layer: "Kontoauszug BG-Nr. <BG>" at x = 60 pt, baseline 760 pt, 14 pt on A4 (595 × 842).
  const box = /<div class="markierung" data-art="bg-nummer" style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"/.exec(text);
  expect(box).not.toBeNull();
  expect(Number(box![1])).toBeGreaterThan(((60 + 14 * 10) / 595) * 100);
  expect(Number(box![1]) + Number(box![3])).toBeLessThan(((60 + 14 * 0.6 * 34 + 20) / 595) * 100);
  expect(Number(box![2])).toBeCloseTo(((842 - 760 - 14 * 0.85) / 842) * 100, 0);
  const bild = await fetch(`${welt.base}/postkorb/${h.workflowId}/seite/1`, { headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  expect(bild.status).toBe(200);
  const meta = await sharp(Buffer.from(await bild.arrayBuffer())).metadata();
  expect(meta.format).toBe('png');
  // A4 at 110 dpi: about 909 × 1286 pixels.
  expect(Math.round((meta.height ?? 0) / 10)).toBe(129);
  expect(welt.audit()).toContainEqual(expect.objectContaining({ action: 'dokument.ansehen', target: `posteingang ${h.workflowId} seite 1`, outcome: 'erfolg' }));
});

test('a Hauptantrag without a household: "Neuantrag anlegen" with the applicant from the form, checked per field; an empty BG-Nummer says what to do', async () => {
  const h = await welt.dokument({ dokumentart: 'HAUPTANTRAG', pruefGruende: ['kein-haushalt'] });
  const agent = await welt.loggedIn('postkorb');
  const detail = await agent.request(`/postkorb/${h.workflowId}`);
  expect(detail.text).toContain('<summary>Hauptantrag ohne Bedarfsgemeinschaft: Neuantrag anlegen</summary>');
  const csrf = csrfOf(detail.text);
  // A place name with brackets, as real ones are (QA: "Halle (Saale)" was refused as "Ort fehlt").
  const person = { vorname: 'Aylin', nachname: 'Neumann-Öztürk', geburtsdatum: '14.07.1991', strasse: 'Groner Landstraße', hausnummer: '9a', plz: '06108', ort: 'Halle (Saale)' };

  const leer = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'HAUPTANTRAG', bgNummer: '' } });
  expect(leer.res.status).toBe(400);
  expect(leer.text).toContain('Bitte die BG-Nummer angeben – oder, wenn die Person noch keine Bedarfsgemeinschaft hat, bei einem Hauptantrag „Neuantrag anlegen“ wählen.');
  const falscheArt = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'VAEM', bgNummer: '', neuantrag: '1', ...person } });
  expect(falscheArt.res.status).toBe(400);
  expect(falscheArt.text).toContain('nur für die Dokumentart „Hauptantrag“');
  const unvollstaendig = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'HAUPTANTRAG', bgNummer: '', neuantrag: '1', ...person, geburtsdatum: '31.12.2099', plz: '3708' } });
  expect(unvollstaendig.res.status).toBe(400);
  expect(unvollstaendig.text).toMatch(/<p class="feldfehler" id="fehler-neuantrag" role="alert">Das Geburtsdatum liegt in der Zukunft\. Postleitzahl mit fünf Ziffern\.<\/p>/);
  expect(unvollstaendig.text).toContain('<details id="neuantrag" open>');
  expect(unvollstaendig.text).toContain('value="Neumann-Öztürk"'); // what was typed stays
  // Too long: said at the field, what was typed stays (QA: a dead end that lost the input).
  const lang = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'HAUPTANTRAG', bgNummer: '', neuantrag: '1', ...person, strasse: 'A'.repeat(130) } });
  expect(lang.res.status).toBe(400);
  expect(lang.text).toContain('Straße: höchstens 100 Zeichen, ohne &lt; und &gt;.');
  expect(lang.text).toContain('value="Halle (Saale)"');
  expect((await h.query<DokumentZustand>('zustand')).status).toBe('pruefung');

  const ok = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'HAUPTANTRAG', bgNummer: '', neuantrag: '1', ...person } });
  expect(ok.res.status).toBe(303);
  const ergebnis: DokumentZustand = await h.result();
  expect(ergebnis.entscheidungen[0]!.was).toBe('bestätigt: HAUPTANTRAG – Neuantrag für Aylin Neumann-Öztürk, geb. 1991-07-14, 06108 Halle (Saale)');
  const eintrag = welt.audit().filter((e) => e.action === 'dokument.entscheiden' && e.outcome === 'erfolg').at(-1)!;
  expect(eintrag.target).toBe(`posteingang ${h.workflowId} (HAUPTANTRAG, Art bestätigt, Neuantrag)`);
  expect(JSON.stringify(welt.audit())).not.toContain('Neumann');
});

test('decision: CSRF refused; bad format and the workflow\'s refusal shown at the field; a correction reaches the workflow; audited', async () => {
  const h = await welt.dokument({ dokumentart: 'KONTOAUSZUG' });
  const agent = await welt.loggedIn('postkorb');
  const detail = await agent.request(`/postkorb/${h.workflowId}`);
  const csrf = csrfOf(detail.text);

  const ohne = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { dokumentart: 'KONTOAUSZUG', bgNummer: BG_BEKANNT } });
  expect(ohne.res.status).toBe(403);
  expect(ohne.text).toContain('Sicherheitsprüfung fehlgeschlagen');
  const fremd = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'KONTOAUSZUG', bgNummer: BG_BEKANNT }, headers: { origin: 'http://evil.example' } });
  expect(fremd.res.status).toBe(403);

  const format = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'KONTOAUSZUG', bgNummer: '12345' } });
  expect(format.res.status).toBe(400);
  expect(format.text).toMatch(/<p class="feldfehler" id="fehler-bgNummer" role="alert">Die BG-Nummer hat nicht die richtige Form/);
  expect(format.text).toContain('aria-describedby="hinweis-bg fehler-bgNummer" aria-invalid="true"');
  expect(format.text).toContain('value="12345"');

  const unbekannt = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'MIETVERTRAG', bgNummer: '96201BG0099999', kommentar: 'Mietvertrag, kein Kontoauszug' } });
  expect(unbekannt.res.status).toBe(409);
  expect(unbekannt.text).toContain('<p class="feldfehler" id="fehler-bgNummer" role="alert">Zur BG-Nummer 96201BG0099999 gibt es im Fachverfahren keinen Haushalt. Bitte prüfen Sie die Nummer.</p>');
  expect(unbekannt.text).toContain('<option value="MIETVERTRAG" selected>');
  expect((await h.query<DokumentZustand>('zustand')).status).toBe('pruefung');

  // Written with spaces, as people type it: normalised before it goes to the workflow.
  const ok = await agent.request(`/postkorb/${h.workflowId}/entscheiden`, { form: { _csrf: csrf, dokumentart: 'MIETVERTRAG', bgNummer: '96201 BG 0067890', kommentar: 'Mietvertrag, kein Kontoauszug' } });
  expect(ok.res.status).toBe(303);
  expect(ok.res.headers.get('location')).toMatch(/^\/postkorb(\?ok=entschieden|\/dok-[0-9a-f]{40}-0\?ok=weiter)$/);
  const ergebnis: DokumentZustand = await h.result();
  expect(ergebnis.status).toBe('abgelegt');
  expect(ergebnis.ablage).toMatchObject({ bgNummer: BG_ZWEITE, dokumentart: 'MIETVERTRAG' });
  expect(ergebnis.entscheidungen[0]).toMatchObject({ wer: 'postkorb', was: 'bestätigt: MIETVERTRAG (Mietvertrag, kein Kontoauszug)' });

  const nachher = await agent.request(`/postkorb/${h.workflowId}`);
  expect(nachher.text).toContain('Dieses Dokument wartet nicht (mehr) auf eine Prüfung: Abgelegt.');
  expect(nachher.text).toContain('<h1>Dokument: Mietvertrag</h1>'); // what it was filed as, not what was recognised
  expect(nachher.text).not.toContain('Warum eine Prüfung?');
  const eintraege = welt.audit().filter((e) => e.action === 'dokument.entscheiden' && e.target.startsWith(`posteingang ${h.workflowId}`));
  expect(eintraege.map((e) => [e.outcome, e.target])).toEqual([
    ['abgelehnt', `posteingang ${h.workflowId}`],
    ['abgelehnt', `posteingang ${h.workflowId}`],
    ['erfolg', `posteingang ${h.workflowId} (MIETVERTRAG, Art korrigiert)`],
  ]);
});

test('split review: thumbnails of all pages, the proposal as text; the person\'s cut points reach the file workflow', async () => {
  const h = await welt.datei({ seiten: 4 });
  const agent = await welt.loggedIn('postkorb');
  const liste = await seiteBis(agent, '/postkorb', (t) => t.includes(h.workflowId));
  expect(zeile(liste, h.workflowId)).toContain('Trennung einer Datei');
  const { res, text } = await agent.request(`/postkorb/${h.workflowId}`);
  expect(res.status).toBe(200);
  expect(text).toContain('<h1>Trennung einer Datei prüfen</h1>');
  for (const nr of [1, 2, 3, 4]) expect(text).toContain(`<img src="/postkorb/${h.workflowId}/seite/${nr}" alt="Seite ${nr}"`);
  expect(text).toMatch(/<textarea id="teile" name="teile"[^>]*>1-2\n4<\/textarea>/);
  expect((await agent.request(`/postkorb/${h.workflowId}/seite/4`)).res.status).toBe(200);
  expect((await agent.request(`/postkorb/${h.workflowId}/seite/5`)).res.status).toBe(404);

  const csrf = csrfOf(text);
  const falsch = await agent.request(`/postkorb/${h.workflowId}/zerlegung`, { form: { _csrf: csrf, teile: '1-2\n2, 4' } });
  expect(falsch.res.status).toBe(400);
  expect(falsch.text).toContain('Seite 2 ist mehr als einem Dokument zugeordnet.');
  const ok = await agent.request(`/postkorb/${h.workflowId}/zerlegung`, { form: { _csrf: csrf, teile: '1\n2\n4' } });
  expect(ok.res.status).toBe(303);
  const ergebnis: DateiZustand = await h.result();
  expect(ergebnis.teile?.map((t) => t.seiten)).toEqual([[1], [2], [4]]);
  expect(welt.audit()).toContainEqual(expect.objectContaining({ actor: 'postkorb', action: 'dokument.zerlegen', target: `posteingang ${h.workflowId} (3 Dokumente)`, outcome: 'erfolg' }));
});

test('Quarantäne: reason, type, size; Revision reads only; discarding needs a reason and reaches the workflow; audited with the reason', async () => {
  const h = await welt.datei({ status: PosteingangStatus.QUARANTAENE, quarantaeneGrund: 'Die PDF-Datei ist verschlüsselt.', bytes: 2_500_000 });
  const revision = await welt.loggedIn('revision');
  const lesend = await seiteBis(revision, '/quarantaene', (t) => t.includes(h.workflowId));
  const z = zeile(lesend, h.workflowId)!;
  expect(z).toContain('Die PDF-Datei ist verschlüsselt.');
  expect(z).toContain('<td>PDF</td>');
  expect(z).toContain('2,4 MB');
  expect(z).toContain('19.11.2026');
  expect(lesend).not.toContain('>Verwerfen</button>');
  const revPost = await revision.request(`/quarantaene/${h.workflowId}`, { form: { _csrf: csrfOf(lesend), aktion: 'verwerfen', grund: 'x' } });
  expect(revPost.res.status).toBe(403);

  const admin = await welt.loggedIn('it-admin');
  const page = await seiteBis(admin, '/quarantaene', (t) => t.includes(h.workflowId));
  expect(page).toContain('>Verwerfen</button>');
  const csrf = csrfOf(page);
  expect((await admin.request(`/quarantaene/${h.workflowId}`, { form: { aktion: 'verwerfen', grund: 'x' } })).res.status).toBe(403);
  const leer = await admin.request(`/quarantaene/${h.workflowId}`, { form: { _csrf: csrf, aktion: 'verwerfen', grund: '   ' } });
  expect(leer.res.status).toBe(400);
  expect(leer.text).toContain('Bitte geben Sie eine Begründung ein');
  expect((await h.query<DateiZustand>('zustand')).status).toBe('quarantaene');

  const ok = await admin.request(`/quarantaene/${h.workflowId}`, { form: { _csrf: csrf, aktion: 'verwerfen', grund: 'Verschlüsselt; Absender um neue Zusendung gebeten.' } });
  expect(ok.res.status).toBe(303);
  expect(ok.res.headers.get('location')).toBe('/quarantaene?ok=verwerfen');
  const ergebnis: DateiZustand = await h.result();
  expect(ergebnis.status).toBe('verworfen');
  expect(ergebnis.entscheidungen[0]).toMatchObject({ wer: 'it-admin', was: 'verwerfen: Verschlüsselt; Absender um neue Zusendung gebeten.' });
  // A second decision on the ended workflow: refused with a message, nothing changes.
  const nochmal = await admin.request(`/quarantaene/${h.workflowId}`, { form: { _csrf: csrf, aktion: 'freigeben', grund: 'doch' } });
  expect(nochmal.res.status).toBe(409);
  expect(nochmal.text).toContain('Der Vorgang ist bereits abgeschlossen');
  expect(welt.audit()).toEqual(expect.arrayContaining([
    expect.objectContaining({ actor: 'it-admin', action: 'quarantaene.verwerfen', target: `posteingang ${h.workflowId} – Begründung: Verschlüsselt; Absender um neue Zusendung gebeten.`, outcome: 'erfolg' }),
    expect.objectContaining({ actor: 'it-admin', action: 'quarantaene.verwerfen', target: `posteingang ${h.workflowId}`, outcome: 'abgelehnt' }),
    expect.objectContaining({ actor: 'revision', action: 'zugriff.verweigert', outcome: 'abgelehnt' }),
  ]));
});

test('Posteingang overview: German statuses with counts; a document in review links to the Postkorb', async () => {
  const h = await welt.dokument();
  const agent = await welt.loggedIn('postkorb');
  const text = await seiteBis(agent, '/posteingang', (t) => t.includes(h.workflowId));
  expect(text).toMatch(/<li data-status="pruefung"><a href="\/posteingang\?status=pruefung"><strong>[1-9]\d*<\/strong> Wartet auf Prüfung<\/a><br><a href="\/postkorb">zum Postkorb<\/a><\/li>/);
  expect(text).toMatch(new RegExp(`<td><code>${h.workflowId}</code></td>\\s*<td>Wartet auf Prüfung</td>\\s*<td>läuft</td>\\s*<td>Scanner</td>\\s*<td>20\\.11\\.2026</td>`));
  expect(text).toContain(`<a href="/postkorb/${h.workflowId}">im Postkorb prüfen</a>`);
  expect(text).toContain('Dokument: Kontoauszug');
  // Filtered by status: only that status is listed; an unknown status is ignored.
  const fertig = await welt.dokument({ status: PosteingangStatus.ABGELEGT });
  const abgelegt = await seiteBis(agent, '/posteingang?status=abgelegt', (t) => t.includes(fertig.workflowId));
  expect(abgelegt).not.toContain(h.workflowId);
  expect(abgelegt).toContain('Angezeigt: nur Status „Abgelegt“.');
  const unbekannt = await agent.request(`/posteingang?status=${encodeURIComponent("x' OR 1=1")}`);
  expect(unbekannt.res.status).toBe(200);
  expect(unbekannt.text).not.toContain('Angezeigt: nur Status');
});

test('previous/next follow the queue order; after a decision the next document opens', async () => {
  const erstes = await welt.dokument({ eingangsdatum: '2019-01-01' });
  const zweites = await welt.dokument({ eingangsdatum: '2019-01-02' });
  const agent = await welt.loggedIn('postkorb');
  await seiteBis(agent, '/postkorb', (t) => t.includes(erstes.workflowId) && t.includes(zweites.workflowId));
  const eins = await agent.request(`/postkorb/${erstes.workflowId}`);
  expect(eins.text).toContain(`<a id="naechstes" rel="next" href="/postkorb/${zweites.workflowId}">`);
  expect(eins.text).not.toContain('id="vorheriges"');
  const zwei = await agent.request(`/postkorb/${zweites.workflowId}`);
  expect(zwei.text).toContain(`<a id="vorheriges" rel="prev" href="/postkorb/${erstes.workflowId}">`);
  const ok = await agent.request(`/postkorb/${erstes.workflowId}/entscheiden`, { form: { _csrf: csrfOf(eins.text), dokumentart: 'KONTOAUSZUG', bgNummer: BG_BEKANNT } });
  expect(ok.res.headers.get('location')).toBe(`/postkorb/${zweites.workflowId}?ok=weiter`);
  const weiter = await agent.request(ok.res.headers.get('location')!);
  expect(weiter.text).toContain('Die Entscheidung zum vorigen Dokument wurde übernommen');
});

test('after a decision, a next document that cannot be read right now leads to the list with the confirmation', async () => {
  // A document workflow no worker serves (its query cannot be answered).
  const verwaist = await welt.client.workflow.start('posteingangDokument', {
    taskQueue: `ohne-worker-${Date.now()}`,
    workflowId: `dok-${'e'.repeat(40)}-${Date.now() % 1000}`,
    args: [],
    typedSearchAttributes: [{ key: PROZESS, value: Prozess.POSTEINGANG }, { key: STATUS, value: PosteingangStatus.PRUEFUNG }],
  });
  try {
    const agent = await welt.loggedIn('postkorb');
    const weiter = await agent.request(`/postkorb/${verwaist.workflowId}?ok=weiter`);
    expect(weiter.res.status).toBe(303);
    expect(weiter.res.headers.get('location')).toBe('/postkorb?ok=entschieden');
    // Without a preceding decision the same document shows the plain error.
    const direkt = await agent.request(`/postkorb/${verwaist.workflowId}`);
    expect(direkt.res.status).toBe(503);
  } finally {
    await verwaist.terminate('Test beendet');
  }
}, 120_000);
