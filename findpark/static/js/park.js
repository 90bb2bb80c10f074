/* 园区 page (可看): every plot on the park map opens a popup with its main fields, its status and a 咨询此地块 link
   (static/js/basemap.js findparkBasemap.plotPopup). The folium map and plots layer are globals whose names the
   page passes in data-map / data-plots. */
(function () {
  "use strict";
  var root = document.getElementById("park-map-data");
  if (!root || !window.L || !window.findparkBasemap) { return; }
  var map = window[root.getAttribute("data-map")];
  var plots = root.getAttribute("data-plots") ? window[root.getAttribute("data-plots")] : null;
  if (!map || !plots) { return; }
  var byId = {};
  plots.eachLayer(function (layer) {
    var p = layer.feature && layer.feature.properties;
    if (!p) { return; }
    byId[p.id] = layer;
    layer.bindPopup(window.findparkBasemap.plotPopup(p));
  });
  // for the browser tests and the console
  window.findparkPark = {map: map, plots: plots, open: function (id) {
    var l = byId[id];
    if (l) { l.openPopup(); }
    return !!l;
  }};
})();
