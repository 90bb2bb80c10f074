/* Basemap helpers shared by every map page; loaded right after Leaflet (findpark/web/basemap.py configures it).

   findparkDatum.wgs84ToGcj02 / gcj02ToWgs84: the same formulas as findpark/geo/datum.py (a browser test compares
   the two on real points).
   L.CRS.FindparkGCJ02: Web Mercator applied to GCJ-02 coordinates. Our geometry is WGS84; on GCJ-02 tiles (AMap)
   the map uses this CRS, so every overlay is shifted onto the tiles' streets while latLngs, bounds and clicks
   stay WGS84 (the bbox sent to the API needs no conversion).
   findparkBasemap.options(cfg) / addTiles(map, cfg): the map options and the tile layers for a config. */
(function () {
  "use strict";
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;

  function outsideChina(lon, lat) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }

  function delta(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0;
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) +
      (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0 +
      (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0 +
      (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) +
      (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0 +
      (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0 +
      (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radlat = lat / 180.0 * PI;
    var magic = 1 - EE * Math.sin(radlat) * Math.sin(radlat);
    var sqrtmagic = Math.sqrt(magic);
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * PI);
    dlon = (dlon * 180.0) / (A / sqrtmagic * Math.cos(radlat) * PI);
    return [dlon, dlat];
  }

  function wgs84ToGcj02(lon, lat) {
    if (outsideChina(lon, lat)) { return [lon, lat]; }
    var d = delta(lon, lat);
    return [lon + d[0], lat + d[1]];
  }

  function gcj02ToWgs84(lon, lat) {  // fixed-point inverse, as in datum.py (< 1e-9 degree)
    var wlon = lon, wlat = lat;
    for (var i = 0; i < 30; i++) {
      var g = wgs84ToGcj02(wlon, wlat), elon = g[0] - lon, elat = g[1] - lat;
      wlon -= elon; wlat -= elat;
      if (Math.abs(elon) < 1e-9 && Math.abs(elat) < 1e-9) { break; }
    }
    return [wlon, wlat];
  }

  window.findparkDatum = {wgs84ToGcj02: wgs84ToGcj02, gcj02ToWgs84: gcj02ToWgs84};
  if (!window.L) { return; }

  var merc = L.Projection.SphericalMercator;
  var gcjProjection = {
    R: merc.R, MAX_LATITUDE: merc.MAX_LATITUDE, bounds: merc.bounds,
    project: function (latlng) {
      var g = wgs84ToGcj02(latlng.lng, latlng.lat);
      return merc.project(L.latLng(g[1], g[0]));
    },
    unproject: function (point) {
      var g = merc.unproject(point), w = gcj02ToWgs84(g.lng, g.lat);
      return L.latLng(w[1], w[0]);
    }
  };
  L.CRS.FindparkGCJ02 = L.extend({}, L.CRS.EPSG3857, {code: "FINDPARK:GCJ02", projection: gcjProjection});

  // -- every map (folium's included): no flag in the attribution, a metric scale, place names ----------------
  // Leaflet 1.9's default attribution prefix carries a flag image; ours is the plain name. Scales are metric only.
  var PREFIX = '<a href="https://leafletjs.com" title="Leaflet">Leaflet</a>';
  L.Control.Attribution.prototype.options.prefix = PREFIX;
  L.Control.Scale.prototype.options.imperial = false;
  L.Control.Scale.prototype.options.metric = true;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : null;
  }

  var labelsPromise = null;  // one request per page, shared by its maps
  function placeLabels() {
    var url = meta("findpark-place-labels");
    if (!url || !window.fetch) { return Promise.resolve([]); }
    if (!labelsPromise) {
      labelsPromise = fetch(url, {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {labels: []}; })
        .then(function (d) { return d.labels || []; })
        .catch(function () { return []; });
    }
    return labelsPromise;
  }

  /* City and county names (findpark/web/place_labels.py) on a map without tiles: cities from the province view,
     counties from zoom 9; the type grows with the zoom (CSS variables on the map container). */
  function addPlaceLabels(map) {
    if (map._findparkLabels) { return; }
    var tiles = false;
    map.eachLayer(function (l) { if (l instanceof L.TileLayer) { tiles = true; } });
    if (tiles) { return; }  // tiles carry their own names
    map._findparkLabels = true;
    var E = window.findparkEscape || String;
    placeLabels().then(function (items) {
      if (!items.length) { return; }
      var pane = map.getPane("findparkLabels") || map.createPane("findparkLabels");
      pane.style.zIndex = 450;  // above outlines and plots (400), below markers (600), tooltips and popups
      pane.style.pointerEvents = "none";
      var group = L.layerGroup();
      items.forEach(function (it) {
        L.marker([it.lat, it.lon], {pane: "findparkLabels", interactive: false, keyboard: false,
          icon: L.divIcon({className: "place-label place-" + it.level, iconSize: null,
                           html: "<span>" + E(it.name) + "</span>"})}).addTo(group);
      });
      group.addTo(map);
      var box = map.getContainer();
      function scale() {
        var z = map.getZoom();
        box.style.setProperty("--fp-city-size", Math.max(11, Math.min(22, 11 + (z - 7) * 2.5)) + "px");
        box.style.setProperty("--fp-county-size", Math.max(10, Math.min(17, 10 + (z - 9) * 1.5)) + "px");
        box.classList.toggle("fp-counties", z >= 9);
        box.classList.toggle("fp-cities", z <= 12);
      }
      map.on("zoomend", scale);
      scale();
      map.findparkPlaceLabels = group;
    });
  }

  L.Map.addInitHook(function () {
    var map = this;
    if (map.attributionControl) { map.attributionControl.setPrefix(PREFIX); }
    setTimeout(function () { addPlaceLabels(map); }, 0);  // after the page has added its tile layers, if any
  });

  /* The popup of a plot (home and park maps): its main fields, its status and a 咨询此地块 link to the park's
     inquiry form with the plot preselected. Values come from the data, so every one is escaped. */
  function plotPopup(p) {
    var T = window.findparkT || function (s) { return s; }, E = window.findparkEscape || String;
    var V = window.findparkVocab || {};
    var status = (V.plot_status || {})[p.status] || p.status || "—";
    var lu = (V.land_use || {})[p.land_use];
    function num(v, nd) {
      var n = Number(v);
      return (v === null || v === undefined || v === "" || isNaN(n)) ? null :
        n.toLocaleString("en-US", {maximumFractionDigits: nd, minimumFractionDigits: 0});
    }
    var rows = [[T("状态"), '<span class="st st-' + E(p.status) + '"></span>' + E(status)],
                [T("面积"), num(p.area_mu, 1) && E(num(p.area_mu, 1) + " " + T("亩"))],
                [T("用地"), p.land_use && E(p.land_use + (lu ? " " + lu : ""))],
                [T("地价"), num(p.price_wan_per_mu, 1) && E(num(p.price_wan_per_mu, 1) + " " + T("万元/亩"))],
                [T("投资强度门槛"), num(p.min_investment_wan_per_mu, 0) &&
                  E(num(p.min_investment_wan_per_mu, 0) + " " + T("万元/亩"))],
                [T("亩均税收门槛"), num(p.min_tax_wan_per_mu, 1) && E(num(p.min_tax_wan_per_mu, 1) + " " + T("万元/亩"))],
                [T("可供日期"), p.available_from && E(p.available_from)]];
    var html = '<div class="plot-popup"><b>' + E(T("地块")) + " " + E(p.id) + "</b><table>" +
      rows.filter(function (r) { return r[1]; }).map(function (r) {
        return "<tr><th>" + E(r[0]) + "</th><td>" + r[1] + "</td></tr>";
      }).join("") + "</table>";
    var inquire = meta("findpark-inquire");
    if (inquire && p.park_id) {
      var url = inquire.replace("__park__", encodeURIComponent(p.park_id)) + "?plot_id=" + encodeURIComponent(p.id);
      html += '<a class="button inquire-plot" href="' + E(url) + '">' + E(T("咨询此地块")) + "</a>";
    }
    return html + "</div>";
  }

  window.findparkBasemap = {
    plotPopup: plotPopup,
    /* Leaflet map options for a basemap config (null: no tiles, plain Web Mercator). */
    options: function (cfg) {
      return {crs: (cfg && L.CRS[cfg.crs]) || L.CRS.EPSG3857, maxZoom: cfg ? cfg.max_zoom : 18};
    },
    /* The configured tile layers, first at the bottom. */
    addTiles: function (map, cfg) {
      if (!cfg) { return []; }
      return cfg.layers.map(function (url, i) {
        return L.tileLayer(url, {subdomains: cfg.subdomains, maxZoom: cfg.max_zoom, maxNativeZoom: cfg.max_zoom,
                                 attribution: i === 0 ? (window.findparkEscape || String)(cfg.attribution) : ""})
          .addTo(map);
      });
    }
  };
})();
