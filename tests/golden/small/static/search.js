// Search: Pagefind's UI in the header, loaded only when the site has its index (built by
// `clawdemy build`; `--no-search` leaves it out). Without scripts or without the index the
// box stays hidden and every page reads as before.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var root = new URL(box.getAttribute("data-root") || "./", window.location.href);
  var bundle = new URL("pagefind/", root);
  var script = document.createElement("script");
  script.src = new URL("pagefind-ui.js", bundle).href;
  script.onload = function () {
    if (typeof window.PagefindUI !== "function") return;
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("pagefind-ui.css", bundle).href;
    document.head.appendChild(style);
    box.hidden = false;
    new window.PagefindUI({
      element: "#search",
      baseUrl: root.pathname,
      bundlePath: bundle.pathname,
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      translations: { placeholder: "Search the lessons" }
    });
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", "Search the lessons");
  };
  document.head.appendChild(script);
})();
