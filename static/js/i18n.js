/* findparkT("中文 {0}", arg): the page string in the page's language. Chinese is the key and the default;
   the English strings come from the server in <script id="i18n"> (rendered only on English pages). */
(function () {
  var el = document.getElementById("i18n");
  var table = {};
  try { table = el ? JSON.parse(el.textContent) : {}; } catch (e) { table = {}; }
  window.findparkT = function (s) {
    var out = table[s] || s;
    for (var i = 1; i < arguments.length; i++) { out = out.split("{" + (i - 1) + "}").join(String(arguments[i])); }
    return out;
  };
})();
