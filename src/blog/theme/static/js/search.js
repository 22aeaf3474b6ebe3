// Client-side search for the `layout: search` page: fetch index.json once, filter as you type.
// Result links are made same-origin, so search works offline and under `blog serve`.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !list) return;
  var index = null;
  var LIMIT = 30;

  function localUrl(url) {
    try {
      var u = new URL(url, location.href);
      return u.pathname + u.search + u.hash;
    } catch (e) {
      return url;
    }
  }

  function score(item, words) {
    var title = (item.title || "").toLowerCase();
    var tags = (item.tags || []).join(" ").toLowerCase();
    var text = ((item.summary || "") + " " + (item.content || "")).toLowerCase();
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var s = (title.indexOf(w) >= 0 ? 10 : 0) + (tags.indexOf(w) >= 0 ? 5 : 0) +
        (text.indexOf(w) >= 0 ? 1 : 0);
      if (!s) return 0;
      total += s;
    }
    return total;
  }

  function snippet(item, words) {
    var text = item.summary || item.content || "";
    var lower = text.toLowerCase();
    var at = lower.indexOf(words[0]);
    if (at < 0 || text.length <= 160) return text.slice(0, 160);
    var start = Math.max(0, at - 60);
    return (start ? "…" : "") + text.slice(start, start + 160) + "…";
  }

  function render() {
    var query = input.value.trim().toLowerCase();
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    if (!index) { status.textContent = "Loading…"; return; }
    var words = query.split(/\s+/);
    var hits = index
      .map(function (item) { return { item: item, score: score(item, words) }; })
      .filter(function (hit) { return hit.score > 0; })
      .sort(function (a, b) { return b.score - a.score; });
    hits.slice(0, LIMIT).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = localUrl(hit.item.url);
      a.textContent = hit.item.title;
      li.appendChild(a);
      var text = snippet(hit.item, words);
      if (text) {
        var p = document.createElement("p");
        p.textContent = text;
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    status.textContent = hits.length === 0 ? "No results." :
      hits.length === 1 ? "1 result." : hits.length + " results.";
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); render(); });
  input.addEventListener("input", render);
  var start = new URLSearchParams(location.search).get("q");
  if (start) input.value = start;

  fetch(form.getAttribute("data-index"))
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) { index = data; render(); })
    .catch(function () { status.textContent = "The search index could not be loaded."; });
})();
