// The theme toggle: shown only when scripts run, so without them the system setting rules.
// The choice is kept in localStorage; the page's <head> applies it before the first paint.
(function () {
  "use strict";
  var key = "clawdemy-theme";
  var root = document.documentElement;
  var button = document.querySelector(".theme-toggle");
  var text = button && button.querySelector(".toggle-text");
  if (!button || !text) return;
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  function current() {
    return root.dataset.theme || (system.matches ? "dark" : "light");
  }
  function show() {
    var dark = current() === "dark";
    text.textContent = dark ? "Light theme" : "Dark theme";
  }
  button.addEventListener("click", function () {
    var next = current() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try { localStorage.setItem(key, next); } catch (e) { /* private mode: for this page only */ }
    show();
  });
  system.addEventListener("change", show);
  button.hidden = false;
  show();
})();
