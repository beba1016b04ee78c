/**
 * The browser side of the proof-of-work on the last booking step, served as /termin/pow.js
 * (same origin: allowed by the CSP). It finds forms with data-pow-challenge, searches a nonce
 * with sha256(challenge + ":" + nonce) having the required leading zero bits (Web Crypto), and
 * holds a submit until the nonce is found. Without JavaScript the server accepts the step
 * after a short waiting time instead (console/termine-public.ts).
 */
export const POW_JS = `(function () {
  'use strict';
  function nullBits(buf) {
    var b = new Uint8Array(buf), n = 0;
    for (var i = 0; i < b.length; i++) {
      if (b[i] === 0) { n += 8; continue; }
      var x = b[i];
      while ((x & 0x80) === 0) { n++; x <<= 1; }
      return n;
    }
    return n;
  }
  function loese(challenge, bits) {
    var enc = new TextEncoder();
    var nonce = 0;
    function schritt() {
      var versuche = [];
      for (var i = 0; i < 64; i++) versuche.push(nonce + i);
      nonce += 64;
      return Promise.all(versuche.map(function (n) {
        return crypto.subtle.digest('SHA-256', enc.encode(challenge + ':' + n)).then(function (h) { return nullBits(h) >= bits ? String(n) : null; });
      })).then(function (r) {
        for (var k = 0; k < r.length; k++) if (r[k] !== null) return r[k];
        return schritt();
      });
    }
    return schritt();
  }
  function start() {
    if (!window.crypto || !crypto.subtle || !window.TextEncoder) return;
    var forms = document.querySelectorAll('form[data-pow-challenge]');
    Array.prototype.forEach.call(forms, function (form) {
      var feld = form.querySelector('input[name="pow"]');
      if (!feld) return;
      var fertig = false, wartet = false;
      var p = loese(form.getAttribute('data-pow-challenge'), Number(form.getAttribute('data-pow-bits') || '0')).then(function (n) {
        feld.value = n; fertig = true;
        if (wartet) form.submit();
      });
      form.addEventListener('submit', function (e) {
        if (fertig) return;
        e.preventDefault();
        if (wartet) return;
        wartet = true;
        var knopf = form.querySelector('button[type="submit"]');
        if (knopf) knopf.setAttribute('aria-busy', 'true');
        p.catch(function () { form.submit(); });
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
`;
