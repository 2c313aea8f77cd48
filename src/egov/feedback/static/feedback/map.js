/* egov feedback maps: progressive enhancement over typed addresses and coordinates.
 *
 * A map is a <div class="feedback-map" data-config="<id of a JSON script>">. The JSON holds
 * {icons (Leaflet's marker image URLs), tiles, attribution, center, mode: "pick" | "show", points: [{id, lat, long, title, status}],
 * link: "/feedback/", messages: {no_tiles, tile_error}}. In "pick" mode a click (or dragging the
 * marker) fills the #id_lat and #id_long fields, and typing in them moves the marker. Without
 * JavaScript the fields remain.
 *
 * Tiles come only from config.tiles (EGOV_MAP_TILE_URL, a server the province runs). Without
 * one, the markers stand on a plain grid with a scale, and the element named by data-status says
 * in words that no base map is configured; when tiles fail to load, it says so too.
 */
(function () {
  "use strict";
  function round(x) { return Math.round(x * 1e6) / 1e6; }
  function init(element) {
    var config = JSON.parse(document.getElementById(element.dataset.config).textContent);
    if (typeof L === "undefined") { return; }
    element.hidden = false;
    if (config.icons) {  // hashed static names: Leaflet cannot guess them from its CSS
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions(config.icons);
    }
    var map = L.map(element, { scrollWheelZoom: false });
    map.attributionControl.setPrefix("Leaflet");
    var status = document.getElementById(element.dataset.status || "");
    var messages = config.messages || {};
    function tell(text) {
      if (status && text && status.hidden) { status.textContent = text; status.hidden = false; }
    }
    function plain() {
      element.classList.add("no-tiles");
      var Grid = L.GridLayer.extend({
        createTile: function () {
          var tile = document.createElement("div");
          tile.className = "map-grid-tile";
          return tile;
        }
      });
      new Grid({ maxZoom: 19 }).addTo(map);
    }
    if (config.tiles) {
      var tiles = L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 });
      tiles.on("tileerror", function () {
        if (!element.classList.contains("no-tiles")) { plain(); tiles.bringToFront(); }
        tell(messages.tile_error);
      });
      tiles.addTo(map);
    } else {
      plain();
      tell(messages.no_tiles);
    }
    L.control.scale({ imperial: false }).addTo(map);
    var points = config.points || [];
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.marker([p.lat, p.long]).addTo(map);
      if (config.link && p.id) {
        var a = document.createElement("a");
        a.href = config.link + encodeURIComponent(p.id) + "/";
        a.textContent = p.id + (p.title ? " — " + p.title : "") + (p.status ? " (" + p.status + ")" : "");
        marker.bindPopup(a);
      }
      bounds.push([p.lat, p.long]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [20, 20] }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 16); }
    else { map.setView(config.center, 13); }
    if (config.mode !== "pick") { return; }
    var lat = document.getElementById("id_lat"), lng = document.getElementById("id_long");
    var picked = null;
    function place(latlng, fromMap) {
      if (!picked) {
        picked = L.marker(latlng, { draggable: true }).addTo(map);
        picked.on("dragend", function () { place(picked.getLatLng(), true); });
      } else { picked.setLatLng(latlng); }
      if (fromMap) {
        lat.value = round(latlng.lat); lng.value = round(latlng.lng);
        lat.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    if (lat.value && lng.value && !isNaN(+lat.value) && !isNaN(+lng.value)) {
      place([+lat.value, +lng.value], false); map.setView([+lat.value, +lng.value], 16);
    }
    map.on("click", function (e) { place(e.latlng, true); });
    [lat, lng].forEach(function (input) {
      input.addEventListener("change", function () {
        if (lat.value && lng.value && !isNaN(+lat.value) && !isNaN(+lng.value)) {
          place([+lat.value, +lng.value], false);
        }
      });
    });
    if (navigator.geolocation && config.locate) {
      var button = document.getElementById(config.locate);
      if (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          navigator.geolocation.getCurrentPosition(function (pos) {
            var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
            place(here, true); map.setView(here, 17);
          });
        });
      }
    }
  }
  function start() { document.querySelectorAll(".feedback-map").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
