/* Autocomplete for inputs marked data-suggest="group|place|search": as the user types, suggestions come from
 * /web/suggest (computed by the server over the incidents this user may see) and fill the input's <datalist>.
 * No inline script (CSP): this file finds the inputs itself. Requests wait for a pause in typing, and an
 * answer to an older query never replaces a newer one. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var kind = input.getAttribute("data-suggest");
    var timer = null, latest = 0;

    function fill(items) {
      list.replaceChildren.apply(list, items.map(function (s) {
        var option = document.createElement("option");
        option.value = s.text;  // text, never HTML
        return option;
      }));
    }

    function ask() {
      var q = input.value.trim();
      if (!q) { fill([]); return; }
      var mine = ++latest;
      var url = "/web/suggest?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (body) { if (mine === latest) { fill(body.suggestions || []); } })
        .catch(function () { /* no suggestions this time */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
  });
}());
