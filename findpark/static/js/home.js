/* 一键找园 home page (可查): keeps the park list and the map in sync and loads plots in the viewport when
   zoomed in. Plain ES5 + Leaflet (vendored); the folium map and parks layer are globals whose names the page
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

  // -- plots in the viewport, at zoom >= PLOTS_ZOOM ------------------------------------------------------
  // At most MAX_PLOTS are drawn. A view holding more (a dense area at zoom 12 in a large store) draws none and
  // asks to zoom in: the API pages by id, so the first MAX_PLOTS would show whole parks empty next to full ones.
  // When the view may hold more (the first view at plot zoom, after a "too many", or when the last answer's
  // density predicts it) the count is asked first (limit=1), rather than a page that would be thrown away.
  var renderer = (parks && parks.getLayers().length) ? map.getRenderer(parks.getLayers()[0]) : null;
  if (!(renderer instanceof L.Canvas)) { renderer = L.canvas(); }
  var plotsLayer = null, seq = 0, controller = null, last = null;  // last: {matched, area} of the last answer
  var state = {loading: false, matched: null, drawn: 0, tooMany: false};

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

  // every plot in the view: {features, matched}, or {features: null, matched} when more than MAX_PLOTS
  function getPlots(bbox, signal, probe) {
    return getPage(bbox, 0, probe ? 1 : PAGE, signal).then(function (fc) {
      var matched = typeof fc.numberMatched === "number" ? fc.numberMatched : fc.features.length;
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
      style: function (f) {
        var s = STATUS[f.properties.status];
        return {color: "#333", weight: 1, fillOpacity: 0.7, fillColor: s ? s[1] : "#999"};
      },
      onEachFeature: function (f, layer) {
        var p = f.properties, s = STATUS[p.status];
        layer.bindTooltip(p.id + " · " + (s ? s[0] : p.status) + " · " + (p.area_mu || 0).toFixed(1) + " " + T("亩") + " · " +
                          (p.land_use || ""));
        layer.on("click", function () { if (p.park_id) { select(p.park_id, {zoom: false, scroll: true}); } });
      }
    }).addTo(map);
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
    state = {loading: true, matched: null, drawn: plotsLayer ? plotsLayer.getLayers().length : 0, tooMany: false};
    say(T("正在加载地块…"));
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
      state = {loading: false, matched: null, drawn: plotsLayer ? plotsLayer.getLayers().length : 0, tooMany: false};
      say(T("地块加载失败: {0}", err.message));
    });
  }

  map.on("moveend", loadPlots);
  loadPlots();

  // for the browser tests and the console
  window.findparkHome = {map: map, parks: parks, select: select, parkIds: function () { return Object.keys(byId); },
                         plots: function () { return plotsLayer; }, current: function () { return current; },
                         // the plots' state: {loading, matched (numberMatched of the view), drawn, tooMany}
                         plotsState: function () { return state; }};
})();
