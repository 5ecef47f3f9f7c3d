/* The overview's live incident feed: refreshed from /overview/feed (HTML rendered by the server under the
 * sharing policy) every minute, and at once when the user's alert stream announces an alert.
 * No inline script (CSP): this file finds [data-live-feed] itself. New lines are highlighted briefly. */
(function () {
  "use strict";
  var box = document.querySelector("[data-live-feed]");
  if (!box) { return; }
  var dot = document.querySelector("[data-live-dot]");
  var url = box.getAttribute("data-feed-url");

  function ids(root) {
    var out = {};
    root.querySelectorAll("li[data-id]").forEach(function (li) { out[li.getAttribute("data-id")] = true; });
    return out;
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var before = ids(box);
        var doc = new DOMParser().parseFromString(html, "text/html");
        var list = doc.querySelector("main") || doc.body;
        box.replaceChildren.apply(box, Array.prototype.slice.call(list.childNodes));
        box.querySelectorAll("li[data-id]").forEach(function (li) {
          if (!before[li.getAttribute("data-id")]) { li.classList.add("new"); }
        });
      })
      .catch(function () { /* keep the current list; the next tick retries */ });
  }

  setInterval(refresh, 60000);
  if (window.EventSource) {
    var stream = new EventSource(box.getAttribute("data-stream-url"));
    stream.addEventListener("open", function () { if (dot) { dot.classList.add("on"); } });
    stream.addEventListener("error", function () { if (dot) { dot.classList.remove("on"); } });
    stream.addEventListener("alert", refresh);
  }
}());
