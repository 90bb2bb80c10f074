// 园区对比: filter the park checkboxes by a search box and count the chosen ones. Progressive enhancement:
// without JavaScript the whole list shows and the server checks the choice (2-4 parks).
(function () {
  "use strict";
  var box = document.getElementById("park-pick");
  var search = document.getElementById("park-search");
  var count = document.getElementById("pick-count");
  if (!box || !search) { return; }
  var max = parseInt(box.getAttribute("data-max"), 10) || 4;
  var labels = Array.prototype.slice.call(box.querySelectorAll("label"));
  var groups = Array.prototype.slice.call(box.querySelectorAll(".pick-group"));
  var T = window.findparkT;  // static/js/i18n.js (page strings; English from the server)

  // data-search holds the park's keys from the server (name, short form, pinyin, initials: services/search_index.py)
  function norm(s) { return (s || "").toLowerCase().replace(/[\s·'-]+/g, ""); }

  function filter() {
    var q = norm(search.value);
    labels.forEach(function (l) {
      var cb = l.querySelector("input");
      var hit = !q || (l.getAttribute("data-search") || "").split(" ").some(function (k) { return k.indexOf(q) !== -1; }) ||
        cb.checked;
      l.hidden = !hit;
    });
    groups.forEach(function (g) {  // a city with no park left shows no heading
      g.classList.toggle("empty", !g.querySelector("label:not([hidden])"));
    });
  }

  function update() {
    var n = box.querySelectorAll("input:checked").length;
    count.textContent = T("已选 {0} 个", n) + (n > max ? T("（最多 {0} 个）", max) : "");
    labels.forEach(function (l) { l.classList.toggle("chosen", l.querySelector("input").checked); });
  }

  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); }  // Enter filters; it does not submit the form
  });
  box.addEventListener("change", update);
  update();
}());
