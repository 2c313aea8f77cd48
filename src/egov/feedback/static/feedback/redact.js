/* Redacting a photo: drag over it to add an area to black out. Each area is written to the
 * form's textarea as "left, top, width, height" in percent (what the form takes typed by
 * hand when JavaScript is off), and shown as a black box over the photo. */
(function () {
  "use strict";
  function pct(x) { return Math.round(Math.max(0, Math.min(100, x)) * 10) / 10; }
  function init(image) {
    var area = image.parentElement, target = document.getElementById(image.dataset.target);
    if (!target) { return; }
    area.style.position = "relative"; area.style.display = "inline-block"; area.style.cursor = "crosshair";
    var start = null, box = null;
    function point(event) {
      var r = image.getBoundingClientRect();
      return { x: (event.clientX - r.left) / r.width * 100, y: (event.clientY - r.top) / r.height * 100 };
    }
    function place(el, a, b) {
      el.style.left = Math.min(a.x, b.x) + "%"; el.style.top = Math.min(a.y, b.y) + "%";
      el.style.width = Math.abs(a.x - b.x) + "%"; el.style.height = Math.abs(a.y - b.y) + "%";
    }
    area.addEventListener("mousedown", function (event) {
      event.preventDefault();
      start = point(event);
      box = document.createElement("div");
      box.style.cssText = "position:absolute;background:#000;opacity:.85;pointer-events:none";
      area.appendChild(box); place(box, start, start);
    });
    area.addEventListener("mousemove", function (event) { if (start) { place(box, start, point(event)); } });
    window.addEventListener("mouseup", function (event) {
      if (!start) { return; }
      var end = point(event), w = Math.abs(end.x - start.x), h = Math.abs(end.y - start.y);
      if (w < 1 || h < 1) { area.removeChild(box); }
      else {
        var line = [pct(Math.min(start.x, end.x)), pct(Math.min(start.y, end.y)), pct(w), pct(h)].join(", ");
        target.value = (target.value.trim() ? target.value.trim() + "\n" : "") + line;
      }
      start = null; box = null;
    });
  }
  function run() { document.querySelectorAll("img.redact-image").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
