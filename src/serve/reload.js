// attest serve: live reload for the preview. Added by `attest serve` to the pages it
// serves; never part of a built site. It listens to the server's events, reloads this
// page (at the same scroll position) when its file or a stylesheet or script it uses
// changed, and shows the build's errors in a banner while the build is broken.
(function () {
  "use strict";
  var key = "attest-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = parseInt(saved, 10) || 0;
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
  }

  function affected(urls) {
    var here = location.pathname;
    if (urls.indexOf(here) >= 0 || urls.indexOf(here.replace(/index\.html$/, "")) >= 0) {
      return true;
    }
    var used = document.querySelectorAll("link[rel=stylesheet][href], script[src]");
    for (var i = 0; i < used.length; i++) {
      var u = new URL(used[i].getAttribute("href") || used[i].getAttribute("src"), location.href);
      if (u.origin === location.origin && urls.indexOf(u.pathname) >= 0) { return true; }
    }
    return false;
  }

  var banner = null;
  function clear() {
    if (banner) { banner.remove(); banner = null; }
  }
  function el(tag, text, style) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (style) { e.setAttribute("style", style); }
    return e;
  }
  function show(problem) {
    clear();
    banner = el("div", "", "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:60vh;overflow:auto;" +
      "background:#fff;color:#0b0c0c;border-bottom:5px solid #d4351c;box-shadow:0 2px 8px rgba(0,0,0,.3);" +
      "padding:15px 20px;font:16px/1.4 system-ui,sans-serif");
    banner.id = "attest-problem";
    banner.setAttribute("role", "alert");
    banner.appendChild(el("h2", problem.summary || "The site did not build", "margin:0 0 10px;font-size:19px;color:#d4351c"));
    var list = el("ul", "", "margin:0;padding:0;list-style:none");
    (problem.diagnostics || []).forEach(function (d) {
      var item = el("li", "", "margin:0 0 10px");
      item.appendChild(el("code", d.location, "font:bold 15px/1.4 ui-monospace,monospace;display:block"));
      item.appendChild(el("span", "error[" + d.code + "]: " + d.message, "display:block;white-space:pre-wrap"));
      if (d.help) { item.appendChild(el("span", "help: " + d.help, "display:block;color:#484949")); }
      list.appendChild(item);
    });
    banner.appendChild(list);
    var close = el("button", "Hide", "margin-top:5px;font:inherit;padding:4px 12px;cursor:pointer");
    close.type = "button";
    close.addEventListener("click", clear);
    banner.appendChild(close);
    document.body.appendChild(banner);
  }

  if (!window.EventSource) { return; }
  // The page says which it is, so that after a change to every page it is rendered first.
  var events = new EventSource("/__attest/events?page=" + encodeURIComponent(location.pathname));
  events.addEventListener("reload", function (e) {
    var urls = [];
    try { urls = JSON.parse(e.data); } catch (_) { urls = []; }
    if (affected(urls)) {
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
    } else {
      clear();
    }
  });
  events.addEventListener("problem", function (e) {
    try { show(JSON.parse(e.data)); } catch (_) { /* a garbled event shows nothing */ }
  });
})();
