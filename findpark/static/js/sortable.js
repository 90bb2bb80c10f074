/* Sortable tables (ours, no library): every <table class="sortable"> gets a button in each header cell; a click
   sorts the body by that column (again: the other way), sets aria-sort on the header, and numbers sort as
   numbers ("1,081", "8,179.16※", "—" last). A cell may give its own key in data-sort. */
(function () {
  "use strict";
  var T = window.findparkT || function (s) { return s; };

  function key(cell) {
    if (!cell) { return {n: null, s: ""}; }
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    var s = raw.replace(/\s+/g, " ").trim();
    var m = s.replace(/,/g, "").match(/^[-+]?\d+(\.\d+)?/);
    return {n: m ? parseFloat(m[0]) : null, s: s};
  }

  function compare(a, b) {
    if (a.n !== null && b.n !== null) { return a.n - b.n; }
    if (a.n !== null) { return -1; }  // numbers before "—"
    if (b.n !== null) { return 1; }
    if (!a.s || a.s === "—") { return b.s && b.s !== "—" ? 1 : 0; }
    if (!b.s || b.s === "—") { return -1; }
    return a.s.localeCompare(b.s, "zh-Hans-CN-u-co-pinyin");
  }

  function setup(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) { return; }
    Array.prototype.forEach.call(head.cells, function (th, col) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "sort";
      btn.title = T("点击排序");
      while (th.firstChild) { btn.appendChild(th.firstChild); }
      th.appendChild(btn);
      btn.addEventListener("click", function (ev) {
        ev.stopPropagation();
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > col; });
        var keyed = rows.map(function (r, i) { return {r: r, k: key(r.cells[col]), i: i}; });
        keyed.sort(function (a, b) {
          var c = compare(a.k, b.k);
          if (c === 0) { return a.i - b.i; }
          var missing = (a.k.n === null && (!a.k.s || a.k.s === "—")) || (b.k.n === null && (!b.k.s || b.k.s === "—"));
          return missing ? c : (asc ? c : -c);  // unknown values stay last either way
        });
        keyed.forEach(function (x) { body.appendChild(x.r); });
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), setup);
})();
