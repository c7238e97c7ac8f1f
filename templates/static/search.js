// Search: Pagefind's UI in the header, loaded only when the site has its index (built by
// `clawdemy build`; `--no-search` leaves it out). The index comes in bundles of whole
// tracks, listed in pagefind/bundles.json: the UI loads from the first bundle and merges the
// others, so one box searches every track. Without scripts or without the index the box
// stays hidden and every page reads as before.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof window.fetch !== "function") return;
  var root = new URL(box.getAttribute("data-root") || "./", window.location.href);
  var folder = new URL("pagefind/", root);

  function show(bundles) {
    var first = bundles[0];
    var script = document.createElement("script");
    script.src = new URL("pagefind-ui.js", first).href;
    script.onload = function () {
      if (typeof window.PagefindUI !== "function") return;
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = new URL("pagefind-ui.css", first).href;
      document.head.appendChild(style);
      box.hidden = false;
      new window.PagefindUI({
        element: "#search",
        baseUrl: root.pathname,
        bundlePath: first.pathname,
        mergeIndex: bundles.slice(1).map(function (bundle) {
          return { bundlePath: bundle.pathname, baseUrl: root.pathname };
        }),
        showImages: false,
        showSubResults: true,
        resetStyles: false,
        translations: { placeholder: "Search the lessons" }
      });
      var input = box.querySelector("input");
      if (input) input.setAttribute("aria-label", "Search the lessons");
    };
    document.head.appendChild(script);
  }

  window
    .fetch(new URL("bundles.json", folder).href)
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (listing) {
      var names = listing && Array.isArray(listing.bundles) ? listing.bundles : [];
      if (names.length) {
        show(
          names.map(function (name) {
            return new URL(name, folder);
          })
        );
      }
    })
    .catch(function () {
      // no index (or not JSON): the box stays hidden
    });
})();
