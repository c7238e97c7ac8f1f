// The theme toggle: shown only when scripts run, so without them the system setting rules.
// The choice is kept in localStorage. Loaded in <head> without `defer` (the Content-Security-
// Policy allows no inline script), so a stored choice applies before the first paint.
(function () {
  "use strict";
  var key = "clawdemy-theme";
  var root = document.documentElement;
  try {
    var stored = window.localStorage.getItem(key);
    if (stored === "light" || stored === "dark") root.dataset.theme = stored;
  } catch (e) { /* storage refused: the system setting rules */ }

  function wire() {
    var button = document.querySelector(".theme-toggle");
    var text = button && button.querySelector(".toggle-text");
    if (!button || !text) return;
    var system = window.matchMedia("(prefers-color-scheme: dark)");
    function current() {
      return root.dataset.theme || (system.matches ? "dark" : "light");
    }
    function show() {
      text.textContent = current() === "dark" ? "Light theme" : "Dark theme";
    }
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { window.localStorage.setItem(key, next); } catch (e) { /* for this page only */ }
      show();
    });
    system.addEventListener("change", show);
    button.hidden = false;
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
