// Live reload for `blog serve` (DESIGN.md §9): reload after each good rebuild, swap stylesheets
// when only CSS changed, show build errors in an overlay, keep the scroll position.
(() => {
  const script = document.currentScript;
  let epoch = (script && script.dataset.epoch) || "0";
  let source = null;
  const scrollKey = "__blog_scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = saved.split(",").map(Number);
    // "instant": a theme's `scroll-behavior: smooth` would otherwise animate from the top.
    const restore = () => window.scrollTo({ left: x, top: y, behavior: "instant" });
    restore();
    addEventListener("load", restore, { once: true });
  }

  function reload(target) {
    if (target && target !== location.pathname) {
      location.assign(target);
      return;
    }
    sessionStorage.setItem(scrollKey, scrollX + "," + scrollY);
    location.reload();
  }

  function swapStylesheets() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("__blog", Date.now());
      const fresh = link.cloneNode();
      fresh.href = url.href;
      // The old sheet stays until the new one has loaded, so nothing flashes unstyled.
      fresh.addEventListener("load", () => link.remove(), { once: true });
      fresh.addEventListener("error", () => fresh.remove(), { once: true });
      link.after(fresh);
    }
  }

  function showErrors(text) {
    let box = document.getElementById("__blog-errors");
    if (!box) {
      box = document.createElement("div");
      box.id = "__blog-errors";
      box.style.cssText =
        "position:fixed;left:0;right:0;top:0;z-index:2147483647;max-height:70vh;overflow:auto;" +
        "margin:0;padding:1em;background:#1e1e1e;color:#ff8080;border-bottom:4px solid #c00;" +
        "font:14px/1.4 ui-monospace,monospace;";
      const title = document.createElement("strong");
      title.textContent = "blog: the rebuild failed; showing the last good build";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0.5em 0 0;color:inherit;font:inherit";
      box.append(title, pre);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = text;
  }

  function open() {
    if (source) return;
    source = new EventSource("/__blog/events?epoch=" + encodeURIComponent(epoch));
    source.addEventListener("reload", (event) => {
      close();
      reload(event.data);
    });
    source.addEventListener("css", (event) => {
      epoch = event.lastEventId || epoch;
      document.getElementById("__blog-errors")?.remove();
      swapStylesheets();
    });
    // The server's "error" events carry text; the EventSource's own connection errors do not
    // (it reconnects by itself).
    source.addEventListener("error", (event) => {
      if (typeof event.data === "string") showErrors(event.data);
    });
  }

  function close() {
    if (source) source.close();
    source = null;
  }

  // Hidden tabs give their connection back (browsers allow 6 per host); the epoch catches up.
  document.addEventListener("visibilitychange", () => (document.hidden ? close() : open()));
  addEventListener("pagehide", close);
  addEventListener("pageshow", () => document.hidden || open());
  if (!document.hidden) open();
})();
