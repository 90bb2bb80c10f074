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

  window.findparkBasemap = {
    /* Leaflet map options for a basemap config (null: no tiles, plain Web Mercator). */
    options: function (cfg) {
      return {crs: (cfg && L.CRS[cfg.crs]) || L.CRS.EPSG3857, maxZoom: cfg ? cfg.max_zoom : 18};
    },
    /* The configured tile layers, first at the bottom. */
    addTiles: function (map, cfg) {
      if (!cfg) { return []; }
      return cfg.layers.map(function (url, i) {
        return L.tileLayer(url, {subdomains: cfg.subdomains, maxZoom: cfg.max_zoom, maxNativeZoom: cfg.max_zoom,
                                 attribution: i === 0 ? cfg.attribution : ""}).addTo(map);
      });
    }
  };
})();
