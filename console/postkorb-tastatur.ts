/**
 * Keyboard shortcuts of the Postkorb, served as a static script from the console's own
 * origin (the CSP forbids inline scripts). Progressive enhancement only: every action is a
 * plain link or form without it.
 *
 * List: j/k move the focus between entries, Enter opens (native link), ? help.
 * Document: Enter/b confirm as in the form, 1–9 pick one of the recognised types,
 * / focus the BG-Nummer, j/k next/previous document, Esc leaves a field, ? help.
 */
export const TASTATUR_SKRIPT = `(function () {
  'use strict';
  function imFeld(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || el.isContentEditable;
  }
  function gehe(id) {
    var a = document.getElementById(id);
    if (a && a.href) { window.location.href = a.href; return true; }
    return false;
  }
  var form = document.getElementById('entscheidung');
  var eintraege = Array.prototype.slice.call(document.querySelectorAll('a.postkorb-eintrag'));
  var hilfe = document.getElementById('tastatur-hilfe');
  var vorschlaege = document.querySelectorAll('button.vorschlag');
  for (var v = 0; v < vorschlaege.length; v += 1) {
    vorschlaege[v].hidden = false; // a button that needs this script is shown only with it
    vorschlaege[v].addEventListener('click', function (ev) {
      var feld = document.getElementById('bgNummer');
      if (feld) { feld.value = ev.currentTarget.getAttribute('data-bg') || ''; feld.focus(); }
    });
  }
  function bestaetigen() {
    if (!form) return false;
    if (typeof form.requestSubmit === 'function') form.requestSubmit(); else form.submit();
    return true;
  }
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var ziel = ev.target;
    if (imFeld(ziel)) {
      if (ev.key === 'Escape') { ziel.blur(); ev.preventDefault(); }
      return;
    }
    var k = ev.key;
    var erledigt = false;
    if (k === '?') {
      if (hilfe) { hilfe.open = !hilfe.open; erledigt = true; }
    } else if (eintraege.length > 0 && (k === 'j' || k === 'k')) {
      var i = eintraege.indexOf(document.activeElement);
      var n = k === 'j' ? (i < 0 ? 0 : Math.min(eintraege.length - 1, i + 1)) : (i < 0 ? 0 : Math.max(0, i - 1));
      eintraege[n].focus();
      erledigt = true;
    } else if (k === 'j') {
      erledigt = gehe('naechstes');
    } else if (k === 'k') {
      erledigt = gehe('vorheriges');
    } else if (form && k === '/') {
      var bg = document.getElementById('bgNummer');
      if (bg) { bg.focus(); bg.select(); erledigt = true; }
    } else if (form && /^[1-9]$/.test(k)) {
      var li = document.querySelectorAll('#top-arten li')[Number(k) - 1];
      var sel = document.getElementById('dokumentart');
      if (li && sel) { sel.value = li.getAttribute('data-art'); sel.dispatchEvent(new Event('change')); erledigt = true; }
    } else if (form && (k === 'b' || k === 'Enter')) {
      // Enter on a link or button keeps its own meaning.
      var t = ziel && ziel.tagName;
      if (k === 'Enter' && (t === 'A' || t === 'BUTTON' || t === 'SUMMARY')) return;
      erledigt = bestaetigen();
    }
    if (erledigt) ev.preventDefault();
  });
})();
`;
