/* Marsad maps: country shapes and incident markers drawn with Leaflet, everything served by the hub itself.
 *
 * Why a plain script with data attributes: the content security policy allows only scripts from the hub
 * ('self'), no inline code, so a page declares a map as markup (templates/map.html) and this file finds it:
 *
 *   <div class="marsad-map" data-marsad-map
 *        data-shapes-url="/web/map/shapes.geojson"            country outlines (cached, ETag)
 *        data-markers-url="/web/map/incidents.geojson"        incident markers or clusters (omit: shapes only)
 *        data-point="33.3,44.4"                               one fixed marker instead (the incident page)
 *        data-tiles-url="" data-tiles-attribution=""          optional tile layer an administrator configured
 *        data-locale="ar" data-labels='{"killed": …}'          language of popups, translated words (JSON)
 *        data-query="country=IQ&since=2026-01-01">           extra filters passed to the markers URL
 *
 * The map container is always laid out left-to-right (a map has no reading direction; Leaflet's controls
 * assume LTR); popups take the page's language and direction. Markers are re-read when the view moves,
 * for the visible box and zoom: the server answers individual incidents, or clusters when there are too many.
 */
(function () {
  "use strict";

  var MEMBER = { color: "#4f6d7a", weight: 1, fillColor: "#dbe7ec", fillOpacity: 1 };
  var OTHER = { color: "#b7bec4", weight: 0.6, fillColor: "#f3f4f5", fillOpacity: 1 };
  var INCIDENT = "#D55E00";
  var CLUSTER = "#0072B2";

  function labels(el) {
    try { return JSON.parse(el.getAttribute("data-labels") || "{}"); } catch (e) { return {}; }
  }

  function digits(locale) {  // Arabic pages write Arabic-Indic digits, like the server's formatting
    return locale.indexOf("ar") === 0 ? "ar-u-nu-arab" : locale;
  }

  function number(locale, n) {
    try { return new Intl.NumberFormat(digits(locale)).format(n); } catch (e) { return String(n); }
  }

  function when(locale, iso, precision) {
    if (!iso) { return ""; }
    var parts = iso.split("-").map(Number);
    var date = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    var options = { year: "numeric", timeZone: "UTC" };
    if (precision !== "year") { options.month = "long"; }
    if (precision !== "year" && precision !== "month") { options.day = "numeric"; }
    try { return new Intl.DateTimeFormat(digits(locale), options).format(date); } catch (e) { return iso; }
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;  // never innerHTML: names come from reports
    if (className) { node.className = className; }
    return node;
  }

  function popup(el, features) {
    var locale = el.getAttribute("data-locale") || document.documentElement.lang || "ar";
    var words = labels(el);
    var box = document.createElement("div");
    box.className = "map-popup";
    box.setAttribute("dir", document.documentElement.dir || "rtl");
    box.setAttribute("lang", locale);
    var list = document.createElement("ul");
    features.slice(0, 20).forEach(function (f) {
      var p = f.properties;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.url;
      var place = [p.city, p.admin1 && p.admin1 !== p.city ? p.admin1 : null, p.country_name || p.country]
        .filter(Boolean).join(locale.indexOf("ar") === 0 ? "، " : ", ");
      link.textContent = place || words.incident || "…";
      item.appendChild(link);
      item.appendChild(text("span", when(locale, p.date, p.precision), "map-date"));
      if (p.group) { item.appendChild(text("span", p.group, "map-group")); }
      item.appendChild(text("span", (words.killed || "killed") + " " + number(locale, p.killed) + " · " +
        (words.wounded || "wounded") + " " + number(locale, p.wounded), "map-toll"));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (features.length > 20) {
      box.appendChild(text("p", "+" + number(locale, features.length - 20)));
    }
    return box;
  }

  function clusterLabel(el, p) {
    var locale = el.getAttribute("data-locale") || document.documentElement.lang || "ar";
    var words = labels(el);
    return number(locale, p.count) + " " + (words.incidents || "incidents") + " · " +
      (words.killed || "killed") + " " + number(locale, p.killed);
  }

  function drawMarkers(el, map, layer, data) {
    layer.clearLayers();
    var byPlace = {};
    (data.features || []).forEach(function (f) {
      var c = f.geometry.coordinates;
      if (f.properties.kind === "cluster") {
        var radius = Math.min(30, 6 + 3 * Math.sqrt(f.properties.count));
        var circle = L.circleMarker([c[1], c[0]], {
          radius: radius, color: "#ffffff", weight: 1.5, fillColor: CLUSTER, fillOpacity: 0.75,
          className: "map-cluster"
        });
        circle.bindTooltip(clusterLabel(el, f.properties), { direction: "top" });
        circle.on("click", function () { map.setView([c[1], c[0]], Math.min(map.getZoom() + 2, 18)); });
        layer.addLayer(circle);
        return;
      }
      var key = c[1].toFixed(4) + "," + c[0].toFixed(4);
      (byPlace[key] = byPlace[key] || []).push(f);
    });
    Object.keys(byPlace).forEach(function (key) {
      var group = byPlace[key];
      var c = group[0].geometry.coordinates;
      var toll = group.reduce(function (s, f) { return s + f.properties.killed; }, 0);
      var marker = L.circleMarker([c[1], c[0]], {
        radius: Math.min(16, 5 + 1.5 * Math.sqrt(group.length + toll)), color: "#ffffff", weight: 1.2,
        fillColor: INCIDENT, fillOpacity: 0.85, className: "map-incident"
      });
      marker.bindPopup(function () { return popup(el, group); }, { maxWidth: 320 });
      marker.on("add", function () {
        var path = marker.getElement();
        if (path) { path.setAttribute("data-incidents", group.map(function (f) { return f.properties.id; }).join(" ")); }
      });
      layer.addLayer(marker);
    });
    el.setAttribute("data-shown", String(data.shown || 0));
    el.setAttribute("data-total", String(data.total || 0));
    el.setAttribute("data-mode", data.mode || "");
    var status = el.parentNode && el.parentNode.querySelector("[data-map-status]");
    if (status) {
      var words = labels(el);
      var locale = el.getAttribute("data-locale") || "ar";
      status.textContent = number(locale, data.total || 0) + " " + (words.incidents || "incidents");
    }
  }

  function loadMarkers(el, map, layer) {
    var url = el.getAttribute("data-markers-url");
    if (!url) { return; }
    var query = "bbox=" + encodeURIComponent(map.getBounds().toBBoxString()) + "&zoom=" + map.getZoom();
    var extra = el.getAttribute("data-query");
    var full = url + (url.indexOf("?") < 0 ? "?" : "&") + query + (extra ? "&" + extra : "");
    el.setAttribute("data-loading", "1");
    fetch(full, { credentials: "same-origin", headers: { "Accept": "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { drawMarkers(el, map, layer, data); })
      .catch(function () { el.setAttribute("data-error", "1"); })
      .then(function () { el.removeAttribute("data-loading"); });
  }

  function init(el) {
    el.setAttribute("dir", "ltr");
    var map = L.map(el, { worldCopyJump: false, minZoom: 1, maxZoom: 18, attributionControl: true,
                          zoomSnap: 1, preferCanvas: false });
    var tiles = el.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.getAttribute("data-tiles-attribution") || "", maxZoom: 18 }).addTo(map);
    }
    var point = (el.getAttribute("data-point") || "").split(",").map(Number);
    var center = (el.getAttribute("data-center") || "25,30").split(",").map(Number);
    var zoom = Number(el.getAttribute("data-zoom") || (point.length === 2 && !isNaN(point[0]) ? 6 : 3));
    map.setView(point.length === 2 && !isNaN(point[0]) ? point : center, zoom);
    var shapesUrl = el.getAttribute("data-shapes-url");
    if (shapesUrl) {
      fetch(shapesUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        var locale = (el.getAttribute("data-locale") || "ar").slice(0, 2);
        var shapes = L.geoJSON(data, {
          style: function (f) { return f.properties.member ? MEMBER : OTHER; },
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 3, color: MEMBER.color }); },
          onEachFeature: function (f, layer) {
            var name = f.properties["name_" + locale] || f.properties.name_en;
            if (name) { layer.bindTooltip(name, { sticky: true, className: "map-country" }); }
          },
          interactive: true
        });
        shapes.addTo(map);
        shapes.bringToBack();
        el.setAttribute("data-shapes", "1");
      }).catch(function () { el.setAttribute("data-error", "1"); });
    }
    if (point.length === 2 && !isNaN(point[0])) {
      L.circleMarker(point, { radius: 8, color: "#ffffff", weight: 2, fillColor: INCIDENT, fillOpacity: 0.9,
                              className: "map-incident" }).addTo(map);
      return;
    }
    var layer = L.layerGroup().addTo(map);
    var timer = null;
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { loadMarkers(el, map, layer); }, 150);
    });
    loadMarkers(el, map, layer);
  }

  function start() {
    if (typeof L === "undefined") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-marsad-map]"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
