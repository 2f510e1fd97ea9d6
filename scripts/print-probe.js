// The print check's probe (scripts/print-check). It is added to a copy of a white paper, never to the paper itself.
//
// Every element with text of its own gets a text colour that names it: rgb(17, i >> 8, i & 255) for the i-th such
// element in document order. A colour changes nothing in the layout, so the PDF Chromium prints from the probe has
// the paper's pages, and the colour of each piece of text in the PDF says which element it came from
// (scripts/print_check.py reads them back with pypdf).
//
// With #layout in the address, the print style sheet is applied on screen at the width of the A4 page box
// (210 mm − 2 × 16 mm), and the probe measures what a PDF does not say well: elements wider than the page, a badge
// split or overlapped, a unit, a date or a code name broken across lines, a template tag left in the text. With #screen it measures
// the same on screen (the style sheet as it is, a 1280 px window). The result goes, as base64 JSON, into
// <pre id="pc-report">, which `chromium --dump-dom` prints.
(function () {
  "use strict";
  var mode = location.hash.slice(1) || "print";
  var MM = 96 / 25.4;
  var elements = [];
  var tables = Array.prototype.slice.call(document.querySelectorAll("table"));
  var all = document.body.querySelectorAll("*");
  var n = 0;
  for (var k = 0; k < all.length; k++) {
    var el = all[k];
    if (el.closest("script, style")) continue;
    var own = false;
    for (var c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 && c.textContent.trim() !== "") { own = true; break; }
    }
    if (!own) continue;
    n += 1;
    var colour = "rgb(17, " + (n >> 8) + ", " + (n & 255) + ")";
    el.style.setProperty("color", colour, "important");
    if (el instanceof SVGElement) el.style.setProperty("fill", colour, "important");
    var d = { i: n, tag: el.tagName.toLowerCase(), text: el.textContent.trim().replace(/\s+/g, " ").slice(0, 60) };
    if (el.closest("h1, h2, h3, h4, h5, h6, caption, figcaption")) d.heading = true;
    var tr = el.closest("tr");
    if (tr) {
      var table = tr.closest("table");
      d.table = tables.indexOf(table);
      if (tr.closest("thead")) {
        d.head = true;
      } else {
        var rows = [];
        for (var b = 0; b < table.tBodies.length; b++) rows = rows.concat(Array.prototype.slice.call(table.tBodies[b].rows));
        d.row = rows.indexOf(tr);
        if (tr.classList.contains("total")) d.total = true;
      }
    } else if (el.closest("caption")) {
      d.table = tables.indexOf(el.closest("table"));
      d.caption = true;
    }
    var p = el.closest("p");
    if (p) {
      var next = p.nextElementSibling;
      if (next && next.matches("table, figure, div.keyfigures")) d.intro = true;
    }
    elements.push(d);
  }
  if (mode === "print") return;

  if (mode === "layout") {
    // The print rules on screen: @media print applies, @media screen does not; the page box is the width.
    for (var s = 0; s < document.styleSheets.length; s++) {
      var rules = document.styleSheets[s].cssRules;
      for (var r = 0; r < rules.length; r++) {
        var rule = rules[r];
        if (!(rule instanceof CSSMediaRule)) continue;
        var media = rule.media.mediaText;
        if (/\bprint\b/.test(media)) rule.media.mediaText = "all";
        else if (/\bscreen\b/.test(media)) rule.media.mediaText = "not all";
      }
    }
    document.documentElement.style.width = "178mm";
  }

  var problems = [];
  function name(el) {
    var t = el.tagName.toLowerCase();
    if (el.id) t += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim() !== "") t += "." + el.className.trim().split(/\s+/).join(".");
    var text = (el.textContent || "").trim().replace(/\s+/g, " ");
    var table = el.closest("table");
    var where = table && table.caption ? " in table “" + table.caption.textContent.trim().slice(0, 40) + "”" : "";
    return t + (text ? " “" + text.slice(0, 40) + "”" : "") + where;
  }
  function mm(px) { return (px / MM).toFixed(1) + " mm"; }

  // 1. Nothing wider than the page: every element inside main's content box.
  var main = document.querySelector("main") || document.body;
  var mr = main.getBoundingClientRect();
  var cs = getComputedStyle(main);
  var left = mr.left + parseFloat(cs.paddingLeft) + parseFloat(cs.borderLeftWidth);
  var right = mr.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
  var reported = [];
  var inside = main.querySelectorAll("*");
  for (var q = 0; q < inside.length; q++) {
    var e = inside[q];
    var rect = e.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right <= right + 1 && rect.left >= left - 1) continue;
    if (reported.some(function (x) { return x.contains(e); })) continue;
    reported.push(e);
    var over = Math.max(rect.right - right, left - rect.left);
    var widest = "";
    if (e.tagName === "TABLE") {
      var cells = e.querySelectorAll("th, td"), w = 0;
      for (var z = 0; z < cells.length; z++) {
        var cw = cells[z].getBoundingClientRect().width;
        if (cw > w) { w = cw; widest = "; its widest cell, " + mm(cw) + ": " + name(cells[z]).replace(/ in table .*$/, ""); }
      }
    }
    problems.push({ check: "too_wide", what: name(e), detail: mm(over) + " beyond the " + (mode === "layout" ? "A4 page box" : "page panel on screen") + widest });
  }

  // 2. Badges: on one line, inside their cell, clear of the progress bar.
  var badges = main.querySelectorAll(".status, .badge");
  for (var g = 0; g < badges.length; g++) {
    var badge = badges[g];
    var range = document.createRange();
    range.selectNodeContents(badge);
    var lines = {};
    var boxes = range.getClientRects();
    for (var y = 0; y < boxes.length; y++) if (boxes[y].width > 0) lines[Math.round(boxes[y].top)] = true;
    var count = Object.keys(lines).length;
    if (count > 1) problems.push({ check: "badge_split", what: name(badge), detail: count + " lines" });
    var br = badge.getBoundingClientRect();
    var cell = badge.closest("td, th");
    if (cell) {
      var cr = cell.getBoundingClientRect();
      if (br.left < cr.left - 0.5 || br.right > cr.right + 0.5) problems.push({ check: "badge_overlapped", what: name(badge), detail: "outside its cell" });
    }
    var row = badge.closest("tr");
    var bars = row ? row.querySelectorAll(".bar") : [];
    for (var j = 0; j < bars.length; j++) {
      var a = bars[j].getBoundingClientRect();
      if (a.left < br.right - 0.5 && br.left < a.right - 0.5 && a.top < br.bottom - 0.5 && br.top < a.bottom - 0.5) {
        problems.push({ check: "badge_overlapped", what: name(badge), detail: "covered by the progress bar" });
      }
    }
  }

  // 3. A unit in a column header, a date or a code name is never broken across lines.
  function unbroken(root, pattern, label) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t.parentElement.closest("script, style, svg")) continue;
      var m;
      pattern.lastIndex = 0;
      while ((m = pattern.exec(t.textContent)) !== null) {
        var range = document.createRange();
        range.setStart(t, m.index);
        range.setEnd(t, m.index + m[0].length);
        var tops = {};
        var rs = range.getClientRects();
        for (var x = 0; x < rs.length; x++) if (rs[x].width > 0) tops[Math.round(rs[x].top)] = true;
        if (Object.keys(tops).length > 1) problems.push({ check: label, what: name(t.parentElement), detail: "“" + m[0] + "” broken across lines" });
      }
    }
  }
  var heads = main.querySelectorAll("thead th");
  for (var h = 0; h < heads.length; h++) unbroken(heads[h], /[（(][^（）()]{1,16}[）)]/g, "unit_split");
  unbroken(main, /\d{4}-\d{2}-\d{2}/g, "date_split");
  // Code names and file names break between their parts (after _ . / -), never inside one.
  var codes = main.querySelectorAll("code, .code, table.files tbody th, table.method tbody th");
  for (var w = 0; w < codes.length; w++) unbroken(codes[w], /[^_\/.\s-]{2,}/g, "word_split");

  // 4. No template tag left in the text.
  var text = document.body.innerText;
  var tag = text.search(/\{\{|\}\}/);
  if (tag >= 0) problems.push({ check: "template_tag", what: "body", detail: "“" + text.slice(Math.max(0, tag - 20), tag + 20) + "”" });

  var report = JSON.stringify({ mode: mode, elements: elements, problems: problems });
  var pre = document.createElement("pre");
  pre.id = "pc-report";
  pre.textContent = btoa(unescape(encodeURIComponent(report)));
  document.body.appendChild(pre);
})();
