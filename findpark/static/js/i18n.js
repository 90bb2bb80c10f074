/* findparkT("中文 {0}", arg): the page string in the page's language. Chinese is the key and the default;
   the English strings come from the server in <script id="i18n"> (rendered only on English pages).
   findparkVocab: the labels of the codes a page's script shows, in the page's language (findpark/vocab.py,
   <script id="vocab">, the tables the page names in js_vocab), e.g. findparkVocab.plot_status.available;
   the scripts keep no label tables of their own (the recommend page passes its labels in #rec-config). */
(function () {
  var v = document.getElementById("vocab");
  try { window.findparkVocab = v ? JSON.parse(v.textContent) : {}; } catch (e) { window.findparkVocab = {}; }
  var el = document.getElementById("i18n");
  var table = {};
  try { table = el ? JSON.parse(el.textContent) : {}; } catch (e) { table = {}; }
  /* findparkEscape(value): the value as HTML text. Leaflet's tooltips, popups and attributions (and
     innerHTML) take HTML: every value from the data goes through this first. */
  window.findparkEscape = function (value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  };
  window.findparkT = function (s) {
    var out = table[s] || s;
    for (var i = 1; i < arguments.length; i++) { out = out.split("{" + (i - 1) + "}").join(String(arguments[i])); }
    return out;
  };
})();
