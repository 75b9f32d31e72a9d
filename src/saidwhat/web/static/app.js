// saidwhat review: selection offsets, attribution selection, keyboard shortcuts, the network.
// No inline scripts anywhere (the Content-Security-Policy forbids them): everything is here.
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf;
  document.body.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf;
  });
  document.body.addEventListener("htmx:responseError", function (e) {
    const msg = (e.detail.xhr && e.detail.xhr.responseText) || "request failed";
    showMessage("error: " + msg.slice(0, 300), true);
  });

  function showMessage(text, isError) {
    let box = document.getElementById("flash");
    if (!box) {
      box = document.createElement("div");
      box.id = "flash";
      document.body.appendChild(box);
    }
    box.textContent = text;  // text, never HTML
    box.className = isError ? "flash error" : "flash";
  }

  // -- offsets: the text is cut into <span data-o=START> segments; offsets are code points
  function cpLen(s) { let n = 0; for (const _ of s) { n++; } return n; }
  function segEnd(seg) { return parseInt(seg.dataset.o, 10) + cpLen(seg.textContent); }
  function offsetOf(node, off) {
    const article = document.getElementById("text");
    if (!article || !article.contains(node)) { return null; }
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement.closest("[data-o]");
      return seg ? parseInt(seg.dataset.o, 10) + cpLen(node.data.slice(0, off)) : null;
    }
    if (node === article) {
      const segs = article.children;
      if (off < segs.length) { return parseInt(segs[off].dataset.o, 10); }
      return segs.length ? segEnd(segs[segs.length - 1]) : 0;
    }
    const seg = node.closest("[data-o]");
    if (!seg) { return null; }
    return off === 0 ? parseInt(seg.dataset.o, 10) : segEnd(seg);
  }
  let lastSel = null;
  document.addEventListener("selectionchange", function () {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    const r = sel.getRangeAt(0);
    let start = offsetOf(r.startContainer, r.startOffset);
    let end = offsetOf(r.endContainer, r.endOffset);
    if (start === null || end === null || end <= start) { return; }
    const raw = sel.toString();
    const lead = cpLen(raw) - cpLen(raw.replace(/^\s+/, ""));
    const trail = cpLen(raw) - cpLen(raw.replace(/\s+$/, ""));
    start += lead; end -= trail;
    if (end <= start) { return; }
    lastSel = { start: start, end: end, text: raw.trim() };
    showMessage("selected " + start + "–" + end + ": “" + lastSel.text.slice(0, 80) + "”");
  });
  function needSelection() {
    if (!lastSel) { showMessage("select some text of the article first", true); return false; }
    return true;
  }
  document.addEventListener("click", function (e) {
    const take = e.target.closest("button.take");
    if (take) {
      e.preventDefault();
      if (!needSelection()) { return; }
      const form = take.closest("form"), role = take.dataset.role;
      form.querySelector("[name=" + role + "_start]").value = lastSel.start;
      form.querySelector("[name=" + role + "_end]").value = lastSel.end;
      form.querySelector(".picked[data-for=" + role + "]").textContent = "“" + lastSel.text + "”";
      return;
    }
    const move = e.target.closest("button.move-span");
    if (move) {
      if (!needSelection()) { e.preventDefault(); return; }
      const form = move.closest("form");
      form.querySelector("[name=span_start]").value = lastSel.start;
      form.querySelector("[name=span_end]").value = lastSel.end;
      return;
    }
    const seg = e.target.closest("#text [data-q]");
    if (seg && window.getSelection().isCollapsed) {
      const ids = seg.dataset.q.split(" ");
      const i = ids.indexOf(selected);
      select(ids[(i + 1) % ids.length], true);
      return;
    }
    const card = e.target.closest("li.quote");
    if (card && !e.target.closest("form, summary, details")) { select(card.dataset.q, false); }
  });

  // -- another speaker's name: the role and affiliation in the form were the old speaker's;
  // clear them (unless the coder already changed them), so they are not saved with the new one
  document.addEventListener("change", function (e) {
    const input = e.target.closest(".speaker-input");
    if (!input) { return; }
    if (input.value.trim().toLowerCase() === input.defaultValue.trim().toLowerCase()) { return; }
    input.form.querySelectorAll("input[name=role], input[name=affiliation]").forEach(function (f) {
      if (f.value === f.defaultValue) { f.value = ""; }
    });
  });

  // -- selecting an attribution highlights its spans, and the other way round
  let selected = null;
  function select(id, scrollCard) {
    selected = id;
    document.querySelectorAll("li.quote.sel").forEach(function (el) { el.classList.remove("sel"); });
    document.querySelectorAll("#text .hl").forEach(function (el) { el.classList.remove("hl"); });
    const card = document.getElementById("card-" + id);
    if (!card) { selected = null; return; }
    card.classList.add("sel");
    let first = null;
    document.querySelectorAll("#text [data-q]").forEach(function (el) {
      if (el.dataset.q.split(" ").indexOf(id) >= 0) { el.classList.add("hl"); first = first || el; }
    });
    if (scrollCard) { card.scrollIntoView({ block: "nearest" }); }
    else if (first) { first.scrollIntoView({ block: "nearest" }); }
  }
  function cards() { return Array.prototype.slice.call(document.querySelectorAll("li.quote")); }
  function step(d) {
    const all = cards();
    if (!all.length) { return; }
    let i = all.findIndex(function (c) { return c.dataset.q === selected; });
    i = i < 0 ? (d > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, i + d));
    select(all[i].dataset.q, true);
  }
  // -- a correction re-renders the whole document: keep the reviewer's place (the scroll of
  // the side list, the text and the page, and which forms of which cards are open)
  let place = null;
  document.body.addEventListener("htmx:beforeSwap", function () {
    const side = document.querySelector("aside.side"), text = document.getElementById("text");
    const open = {};
    document.querySelectorAll("li.quote details[data-box]").forEach(function (d) {
      open[d.closest("li.quote").id + "/" + d.dataset.box] = d.open;
    });
    place = { side: side ? side.scrollTop : 0, text: text ? text.scrollTop : 0,
              x: window.scrollX, y: window.scrollY, open: open };
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    if (selected) { select(selected, false); }
    if (!place) { return; }
    document.querySelectorAll("li.quote details[data-box]").forEach(function (d) {
      const was = place.open[d.closest("li.quote").id + "/" + d.dataset.box];
      if (was !== undefined) { d.open = was; }
    });
    const side = document.querySelector("aside.side"), text = document.getElementById("text");
    if (side) { side.scrollTop = place.side; }
    if (text) { text.scrollTop = place.text; }
    window.scrollTo(place.x, place.y);
    place = null;
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.target.closest("input, select, textarea, [contenteditable]")) { return; }
    const card = selected && document.getElementById("card-" + selected);
    const click = function (sel) { const b = sel && sel.querySelector ? sel : null; if (b) { b.click(); } };
    switch (e.key) {
      case "j": step(1); break;
      case "k": step(-1); break;
      case "a": if (card) { click(card.querySelector("button.accept")); } break;
      case "r": if (card) { click(card.querySelector("button.reject")); } break;
      case "u": click(document.getElementById("undo")); break;
      case "n": { const n = document.getElementById("next-doc"); if (n) { window.location = n.href; } break; }
      default: return;
    }
    e.preventDefault();
  });

  // -- the network (Cytoscape.js, vendored)
  // the box the force layout is kept in: the drawing's own shape, smaller for a small graph
  // (about 300 px per square root of the number of nodes), so fitting it zooms in
  function layoutBox(box, elements) {
    const n = elements.filter(function (e) { return !e.data.source; }).length;
    const w = Math.max(box.clientWidth, 300), h = Math.max(box.clientHeight, 300);
    const scale = Math.min(1, Math.max(0.3, 300 * Math.sqrt(Math.max(n, 1)) / w));
    return { x1: 0, y1: 0, w: w * scale, h: h * scale };
  }
  function drawNetwork() {
    const box = document.getElementById("cy"), data = document.getElementById("elements");
    if (!box || !data || !window.cytoscape) { return; }
    const elements = JSON.parse(data.textContent);
    window.saidwhatNetwork = window.cytoscape({
      container: box, elements: elements,
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 13, "text-wrap": "wrap",
          "text-max-width": 160, "background-color": "#4e79a7", "width": 22, "height": 22,
          "text-background-color": "#fff", "text-background-opacity": 0.75,
          "text-background-padding": 1 } },
        { selector: "node[mode = 'concept']", style: { "shape": "round-rectangle",
          "background-color": "#f28e2b", "width": 28, "height": 18 } },
        { selector: "edge", style: { "width": "mapData(weight, 0, 10, 1, 8)", "line-color": "#999",
          "curve-style": "bezier", "opacity": 0.8 } },
        { selector: "edge[qualifier = 'support']", style: { "line-color": "#59a14f" } },
        { selector: "edge[qualifier = 'oppose']", style: { "line-color": "#e15759" } },
        { selector: "edge[qualifier = 'mixed']", style: { "line-color": "#b07aa1" } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#222" } }
      ],
      maxZoom: 1.6, minZoom: 0.05,
      // the force layout is kept inside the box it is drawn in: left free, it spread a graph
      // of twenty nodes so wide that fitting it shrank the labels to a few pixels
      layout: elements.length > 400 ? { name: "grid", padding: 30 } :
        { name: "cose", animate: false, padding: 30, idealEdgeLength: 140, nodeRepulsion: 400000,
          nodeDimensionsIncludeLabels: true, randomize: false,
          boundingBox: layoutBox(box, elements) }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawNetwork); }
  else { drawNetwork(); }
})();
