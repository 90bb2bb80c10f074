/* The import preview map: county outlines, the parks' boundaries and the staged features coloured by change.
   Data from <script type="application/json" id="preview-data"> (findpark/ingest/checks.py preview()). */
(function () {
  "use strict";
  var el = document.getElementById("preview-map");
  var src = document.getElementById("preview-data");
  if (!el || !src || !window.L) return;
  var data = JSON.parse(src.textContent);
  var T = window.findparkT || function (s) { return s; };
  var esc = window.findparkEscape || function (s) { return String(s); };
  var map = L.map(el, { preferCanvas: true });
  var colours = { added: "#2e7d32", changed: "#ef6c00", unchanged: "#607d8b" };
  L.geoJSON(data.counties, { style: { color: "#9e9e9e", weight: 1, fill: false }, interactive: false }).addTo(map);
  L.geoJSON(data.parks, { style: { color: "#1f4e79", weight: 2, dashArray: "6 4", fill: false },
    onEachFeature: function (f, layer) { layer.bindTooltip(esc(f.properties.name)); } }).addTo(map);
  var feats = L.geoJSON(data.features, {
    style: function (f) { var c = colours[f.properties.change] || "#607d8b"; return { color: c, weight: 1, fillColor: c, fillOpacity: 0.5 }; },
    pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 5 }); },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      layer.bindTooltip(esc(p.id) + " · " + esc(T({ added: "新增", changed: "修改", unchanged: "未变" }[p.change] || p.change)));
    }
  }).addTo(map);
  var b = feats.getBounds();
  if (b.isValid()) map.fitBounds(b.pad(0.3)); else map.setView([29.5, 120.2], 7);
  el.setAttribute("data-ready", String(data.features.features.length));
})();
