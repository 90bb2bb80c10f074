/* 园区 page (可看): every plot on the park map opens a popup with its main fields, its status and a 咨询此地块 link
   (static/js/basemap.js findparkBasemap.plotPopup). The folium map and plots layer are globals whose names the
   page passes in data-map / data-plots. The park's own plots come with the page (a park holds tens of them, with
   every field for the popup); the plots around it are drawn from the server's vector tiles
   (/tiles/plots/{z}/{x}/{y}.mvt, vendored Leaflet.VectorGrid, as on the home map), paler, so a zoomed-out view of
   a dense district draws at any store size. */
(function () {
  "use strict";
  var root = document.getElementById("park-map-data");
  if (!root || !window.L || !window.findparkBasemap) { return; }
  var map = window[root.getAttribute("data-map")];
  var plots = root.getAttribute("data-plots") ? window[root.getAttribute("data-plots")] : null;
  if (!map) { return; }
  var PARK = root.getAttribute("data-park");
  var byId = {};
  if (plots) {
    plots.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (!p) { return; }
      byId[p.id] = layer;
      layer.bindPopup(window.findparkBasemap.plotPopup(p));
    });
  }

  // the plots of other parks, from the vector tiles (Web Mercator maps only: a GCJ-02 basemap's grid differs)
  var TILES_URL = root.getAttribute("data-tiles-url"), PLOTS_URL = root.getAttribute("data-plots-url");
  var colours = {};
  try { colours = JSON.parse(root.getAttribute("data-status-colours") || "{}"); } catch (e) { colours = {}; }
  var grid = null;
  if (TILES_URL && L.vectorGrid && map.options.crs === L.CRS.EPSG3857) {
    if (!L.DomEvent.fakeStop) { L.DomEvent.fakeStop = function (e) { e._stopped = true; }; }  // see home.js
    if (!map.getPane("findparkNeighbours")) {  // under the park's own plots (overlayPane, 400)
      var pane = map.createPane("findparkNeighbours");
      pane.style.zIndex = 350;
      pane.style.pointerEvents = "none";
    }
    grid = L.vectorGrid.protobuf(TILES_URL, {
      pane: "findparkNeighbours", rendererFactory: L.canvas.tile, interactive: true,
      getFeatureId: function (f) { return f.properties.id; },
      vectorTileLayerStyles: {plots: function (p) {
        if (p.park_id === PARK) { return []; }  // drawn by the page's own layer, with its full popup
        return {color: "#777", weight: 1, fill: true, fillOpacity: 0.35, fillColor: colours[p.status] || "#999"};
      }},
      fetchOptions: {credentials: "same-origin"}
    }).addTo(map);
    grid.on("click", function (e) {
      var p = e.layer.properties;
      var popup = L.popup().setLatLng(e.latlng).setContent(window.findparkBasemap.plotPopup(p)).openOn(map);
      fetch(PLOTS_URL + "/" + encodeURIComponent(p.id), {headers: {Accept: "application/json"}}).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (full) {
        if (full && map.hasLayer(popup)) { popup.setContent(window.findparkBasemap.plotPopup(full)); }
      }).catch(function () { /* the tile's fields stay */ });
    });
  }

  // for the browser tests and the console
  window.findparkPark = {map: map, plots: plots, grid: grid, open: function (id) {
    var l = byId[id];
    if (l) { l.openPopup(); }
    return !!l;
  }, tiles: function () { return grid !== null; },
    // the neighbouring plots drawn now, from the current tiles: [{id, park_id, status}]
    neighbours: function () {
      if (!grid) { return []; }
      var out = {};
      Object.keys(grid._vectorTiles || {}).forEach(function (key) {
        var feats = grid._vectorTiles[key]._features || {};
        Object.keys(feats).forEach(function (id) {
          var p = feats[id].feature && feats[id].feature.properties;
          if (p && p.park_id !== PARK) { out[id] = {id: id, park_id: p.park_id, status: p.status}; }
        });
      });
      return Object.keys(out).map(function (k) { return out[k]; });
    }};
})();
