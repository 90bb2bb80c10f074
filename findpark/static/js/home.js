/* 一键找园 home page (可查): keeps the park list and the map in sync and draws plots from vector tiles when
   zoomed in. Plain ES5 + Leaflet and Leaflet.VectorGrid (vendored); the folium map and parks layer are globals whose names the page
   passes in data-map / data-parks. Nothing here talks to anything but this server. */
(function () {
  "use strict";
  var root = document.getElementById("home");
  if (!root || !window.L) { return; }
  var map = window[root.getAttribute("data-map")];
  var parks = root.getAttribute("data-parks") ? window[root.getAttribute("data-parks")] : null;
  if (!map) { return; }
  var PLOTS_URL = root.getAttribute("data-plots-url");
  var PLOTS_ZOOM = parseInt(root.getAttribute("data-plots-zoom") || "12", 10);
  var PAGE = 1000, MAX_PLOTS = 2000;  // the API pages at 1000
  var T = window.findparkT;  // static/js/i18n.js (page strings; English from the server)
  var E = window.findparkEscape;  // static/js/i18n.js: tooltips take HTML, so data values are escaped
  var V = window.findparkVocab.plot_status || {};  // findpark/vocab.py, in the page's language
  var COLOURS = JSON.parse(root.getAttribute("data-status-colours") || "{}");  // web/maps.py STATUS_COLOURS
  var STATUS = {};
  Object.keys(COLOURS).forEach(function (k) { STATUS[k] = [V[k] || k, COLOURS[k]]; });
  var HIGHLIGHT = {color: "#f39c12", weight: 5, fillOpacity: 0.15};
  var list = document.getElementById("park-list");
  var status = document.getElementById("plots-status");

  var byId = {};
  if (parks) {
    parks.eachLayer(function (layer) {
      var id = layer.feature && layer.feature.properties.id;
      if (!id) { return; }
      byId[id] = layer;
      layer.on("click", function () { select(id, {zoom: false, scroll: true}); });
    });
  }

  function rowOf(id) { return list ? list.querySelector('tr[data-park="' + id + '"]') : null; }

  var current = null;
  function select(id, opts) {
    opts = opts || {};
    var layer = byId[id];
    if (current && byId[current]) { parks.resetStyle(byId[current]); }
    var old = list && list.querySelector("tr.hl");
    if (old) { old.classList.remove("hl"); old.removeAttribute("aria-current"); }
    current = id;
    var row = rowOf(id);
    if (row) {
      row.classList.add("hl");
      row.setAttribute("aria-current", "true");
      if (opts.scroll) {
        var top = row.getBoundingClientRect().top - list.getBoundingClientRect().top;
        list.scrollTop += top - list.clientHeight / 3;
      }
    }
    if (!layer) { return; }
    layer.setStyle(HIGHLIGHT);
    if (layer.bringToFront) { layer.bringToFront(); }
    if (opts.zoom) { map.fitBounds(layer.getBounds(), {maxZoom: 15, padding: [24, 24]}); }
  }

  if (list) {
    list.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }  // the name links to the park page
      var row = ev.target.closest("tr[data-park]");
      if (row) { select(row.getAttribute("data-park"), {zoom: true}); }
    });
    list.addEventListener("keydown", function (ev) {
      var row = ev.target.closest && ev.target.closest("tr[data-park]");
      if (row && ev.target === row && (ev.key === "Enter" || ev.key === " ")) {
        ev.preventDefault();
        select(row.getAttribute("data-park"), {zoom: true});
      }
    });
  }

  // -- plots at zoom >= PLOTS_ZOOM -----------------------------------------------------------------------
  // On a Web Mercator map the plots are drawn from the server's vector tiles (/tiles/plots/{z}/{x}/{y}.mvt, through
  // the vendored Leaflet.VectorGrid, one canvas per tile), so a view of any density draws; the plots API is asked
  // only for the view's count (limit=1, ~1 kB). On a GCJ-02 basemap (basemap.js L.CRS.FindparkGCJ02) the tile grid
  // is not the WGS84 one, so the plots come as GeoJSON per view (at most MAX_PLOTS; a view holding more draws none
  // and asks to zoom in: the API pages by id, so the first MAX_PLOTS would show whole parks empty next to full ones).
  var TILES_URL = root.getAttribute("data-tiles-url");
  var useTiles = !!(TILES_URL && L.vectorGrid && map.options.crs === L.CRS.EPSG3857);
  var renderer = (parks && parks.getLayers().length) ? map.getRenderer(parks.getLayers()[0]) : null;
  if (!(renderer instanceof L.Canvas)) { renderer = L.canvas(); }
  var plotsLayer = null, grid = null, seq = 0, controller = null, last = null;  // last: {matched, area} of the last answer
  var state = {loading: false, matched: null, drawn: 0, tooMany: false};

  function plotStyle(p) {
    var s = STATUS[p.status];
    return {color: "#333", weight: 1, fill: true, fillOpacity: 0.7, fillColor: s ? s[1] : "#999"};
  }

  function plotTip(p) {
    var s = STATUS[p.status];
    return E(p.id) + " · " + E(s ? s[0] : p.status) + " · " + (Number(p.area_mu) || 0).toFixed(1) + " " +
           E(T("亩")) + " · " + E(p.land_use || "");
  }

  // a plot clicked: its park is selected in the list; a popup with its main fields (the tile carries id, park,
  // status, land use and area; the rest comes from the plots API)
  function openPlot(p, latlng) {
    if (p.park_id) { select(p.park_id, {zoom: false, scroll: true}); }
    if (!window.findparkBasemap) { return; }
    var popup = L.popup().setLatLng(latlng).setContent(window.findparkBasemap.plotPopup(p)).openOn(map);
    fetch(PLOTS_URL + "/" + encodeURIComponent(p.id), {headers: {Accept: "application/json"}}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (full) {
      if (full && map.hasLayer(popup)) { popup.setContent(window.findparkBasemap.plotPopup(full)); }
    }).catch(function () { /* the tile's fields stay */ });
  }

  function plotGrid() {
    if (grid) { return grid; }
    // Leaflet.VectorGrid 1.3 calls L.DomEvent.fakeStop on a click, which Leaflet 1.8 removed: the same marker
    if (!L.DomEvent.fakeStop) { L.DomEvent.fakeStop = function (e) { e._stopped = true; }; }
    if (!map.getPane("findparkPlots")) {  // above the park outlines (overlayPane, 400), below tooltips and popups
      var pane = map.createPane("findparkPlots");
      pane.style.zIndex = 450;
      pane.style.pointerEvents = "none";  // the tile canvases take the pointer themselves
    }
    grid = L.vectorGrid.protobuf(TILES_URL, {
      pane: "findparkPlots", rendererFactory: L.canvas.tile, interactive: true,  // no minZoom: it would bound the map's
      getFeatureId: function (f) { return f.properties.id; },
      vectorTileLayerStyles: {plots: plotStyle},
      fetchOptions: {credentials: "same-origin"}
    });
    var tip = L.tooltip({direction: "top", offset: [0, -6]}), hovered = null;
    grid.on("mouseover", function (e) {
      var p = e.layer.properties;
      if (hovered !== null && hovered !== p.id) { grid.resetFeatureStyle(hovered); }
      hovered = p.id;
      grid.setFeatureStyle(p.id, L.extend(plotStyle(p), {color: HIGHLIGHT.color, weight: 3}));
      tip.setLatLng(e.latlng).setContent(plotTip(p));
      map.openTooltip(tip);
    });
    grid.on("mouseout", function () {
      if (hovered !== null) { grid.resetFeatureStyle(hovered); hovered = null; }
      map.closeTooltip(tip);
    });
    grid.on("click", function (e) { openPlot(e.layer.properties, e.latlng); });
    // the tile canvases lie over the park outlines' canvas: where no plot is under the pointer, hand the event
    // to the parks' renderer (Leaflet 1.9's canvas hit-testing), so parks keep their tooltip and click
    var plotsPane = map.getPane("findparkPlots");
    L.DomEvent.on(plotsPane, "mousemove", function (e) {
      if (!renderer._map) { return; }
      if (hovered === null) { renderer._onMouseMove(e); } else { renderer._handleMouseOut(e); }
    });
    L.DomEvent.on(plotsPane, "mouseout", function (e) { if (renderer._map) { renderer._handleMouseOut(e); } });
    L.DomEvent.on(plotsPane, "click", function (e) {  // a plot's click marks the event (fakeStop above)
      if (renderer._map && !e._stopped) { renderer._onClick(e); }
    });
    return grid;
  }

  // the plots drawn now: [{id, park_id, status, fillColor}] (tiles: those of the current tiles; VectorGrid keeps
  // each tile's features by id in _vectorTiles[key]._features)
  function plotFeatures() {
    if (!plotsLayer) { return []; }
    if (plotsLayer !== grid) {
      return plotsLayer.getLayers().map(function (l) {
        var p = l.feature.properties;
        return {id: l.feature.id || p.id, park_id: p.park_id, status: p.status, fillColor: l.options.fillColor};
      });
    }
    var out = {};
    Object.keys(grid._vectorTiles || {}).forEach(function (key) {
      var tile = grid._tiles[key];
      if (!tile || !tile.current) { return; }
      var feats = grid._vectorTiles[key]._features || {};
      Object.keys(feats).forEach(function (id) {
        var f = feats[id].feature;
        out[id] = {id: id, park_id: f.properties.park_id, status: f.properties.status, fillColor: f.options.fillColor};
      });
    });
    return Object.keys(out).map(function (id) { return out[id]; });
  }

  function viewArea() {
    var b = map.getBounds();
    return Math.max(1e-12, (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth()));
  }

  function probeFirst() {
    return !last || last.matched > MAX_PLOTS || last.matched * viewArea() / last.area > MAX_PLOTS;
  }

  function say(text) { if (status) { status.textContent = text; } }

  function bboxParam() {
    var b = map.getBounds();
    var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180),
            clamp(b.getNorth(), -90, 90)].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function getPage(bbox, offset, limit, signal) {
    var url = PLOTS_URL + "?bbox=" + bbox + "&format=geojson&limit=" + limit + "&offset=" + offset;
    return fetch(url, {signal: signal, headers: {Accept: "application/geo+json"}}).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function matchedOf(fc) { return typeof fc.numberMatched === "number" ? fc.numberMatched : fc.features.length; }

  // every plot in the view: {features, matched}, or {features: null, matched} when more than MAX_PLOTS
  function getPlots(bbox, signal, probe) {
    return getPage(bbox, 0, probe ? 1 : PAGE, signal).then(function (fc) {
      var matched = matchedOf(fc);
      if (matched > MAX_PLOTS) { return {features: null, matched: matched}; }
      var have = probe ? [] : fc.features, pages = [];
      for (var off = have.length; off < matched; off += PAGE) { pages.push(getPage(bbox, off, PAGE, signal)); }
      return Promise.all(pages).then(function (more) {
        more.forEach(function (page) { have = have.concat(page.features); });
        return {features: have, matched: matched};
      });
    });
  }

  function clearPlots() {
    if (plotsLayer) { map.removeLayer(plotsLayer); plotsLayer = null; }
  }

  function draw(features) {
    clearPlots();
    plotsLayer = L.geoJSON({type: "FeatureCollection", features: features}, {
      renderer: renderer,
      style: function (f) { return plotStyle(f.properties); },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(plotTip(p));
        if (window.findparkBasemap) { layer.bindPopup(window.findparkBasemap.plotPopup(p)); }  // static/js/basemap.js
        layer.on("click", function () { if (p.park_id) { select(p.park_id, {zoom: false, scroll: true}); } });
      }
    }).addTo(map);
  }

  // tiles: the grid draws what the view needs; the count comes from the API, the state once both are in
  function loadTiles(mine, signal) {
    if (plotsLayer !== grid || !plotsLayer) { clearPlots(); plotsLayer = plotGrid().addTo(map); }
    getPage(bboxParam(), 0, 1, signal).then(function (fc) {
      return new Promise(function (resolve) {
        if (mine !== seq || !grid.isLoading()) { resolve(fc); } else { grid.once("load", function () { resolve(fc); }); }
      });
    }).then(function (fc) {
      if (mine !== seq) { return; }
      var matched = matchedOf(fc);
      say(T("视窗内 {0} 个地块", matched));
      state = {loading: false, matched: matched, drawn: plotFeatures().length, tooMany: false};
    }).catch(function (err) {
      if (mine !== seq || (err && err.name === "AbortError")) { return; }
      state = {loading: false, matched: null, drawn: plotFeatures().length, tooMany: false};
      say(T("地块加载失败: {0}", err.message));
    });
  }

  function loadPlots() {
    if (controller) { controller.abort(); controller = null; }
    var mine = ++seq;
    if (map.getZoom() < PLOTS_ZOOM) {
      clearPlots();
      last = null;
      state = {loading: false, matched: null, drawn: 0, tooMany: false};
      say(T("放大到 {0} 级以上显示地块", PLOTS_ZOOM));
      return;
    }
    controller = window.AbortController ? new AbortController() : null;
    var signal = controller ? controller.signal : undefined;
    state = {loading: true, matched: null, drawn: plotFeatures().length, tooMany: false};
    say(T("正在加载地块…"));
    if (useTiles) { loadTiles(mine, signal); return; }
    var area = viewArea();
    getPlots(bboxParam(), signal, probeFirst()).then(function (res) {
      if (mine !== seq) { return; }
      var tooMany = res.features === null;
      last = {matched: res.matched, area: area};
      if (tooMany) {
        clearPlots();
        say(T("视窗内 {0} 个地块", res.matched) + " · " + T("放大到 {0} 级以上显示地块", map.getZoom() + 1));
      } else {
        draw(res.features);
        say(T("视窗内 {0} 个地块", res.matched));
      }
      state = {loading: false, matched: res.matched, drawn: tooMany ? 0 : res.features.length, tooMany: tooMany};
    }).catch(function (err) {
      if (mine !== seq || (err && err.name === "AbortError")) { return; }
      state = {loading: false, matched: null, drawn: plotFeatures().length, tooMany: false};
      say(T("地块加载失败: {0}", err.message));
    });
  }

  map.on("moveend", loadPlots);
  loadPlots();

  // for the browser tests and the console
  window.findparkHome = {map: map, parks: parks, select: select, parkIds: function () { return Object.keys(byId); },
                         // the plots layer on the map (a VectorGrid of /tiles/plots, or GeoJSON on a GCJ-02 map), or null
                         plots: function () { return plotsLayer; }, current: function () { return current; },
                         tiles: function () { return plotsLayer !== null && plotsLayer === grid; },
                         plotFeatures: plotFeatures, openPlot: openPlot,
                         // the plots' state: {loading, matched (numberMatched of the view), drawn, tooMany}
                         plotsState: function () { return state; }};
})();
