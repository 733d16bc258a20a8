// Mandate: keeps the inbox and the plan page current. The server tells which readable task
// changed (GET /events); the part of the page marked data-live is fetched again and replaced,
// unless the person is typing in it. Without JavaScript the pages simply do not refresh.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.EventSource || !window.fetch) { return; }
  var waiting = null;
  function concerns(change) {
    var plan = root.getAttribute("data-plan");
    return !plan || String(change.plan) === plan;
  }
  function refresh() {
    waiting = null;
    var focused = document.activeElement;
    if (focused && root.contains(focused) && /^(INPUT|TEXTAREA|SELECT)$/.test(focused.tagName)) {
      waiting = window.setTimeout(refresh, 2000);
      return;
    }
    window.fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (fresh) { root.replaceWith(fresh); root = fresh; }
      })
      .catch(function () { /* the next change tries again */ });
  }
  function later() { if (!waiting) { waiting = window.setTimeout(refresh, 300); } }
  var source = new EventSource("/events");
  source.addEventListener("task", function (message) {
    try { if (concerns(JSON.parse(message.data))) { later(); } } catch (e) { later(); }
  });
  source.addEventListener("resync", later);
}());
