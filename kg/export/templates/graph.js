/* kg graph page: builds vis-network from the JSON block, tooltips as DOM text (never HTML),
   search by name or alias, type and predicate filters. Exposes window.kg for tests. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function row(parent, key, value) {
    var r = el("div", "kg-tip-row");
    r.appendChild(el("span", "kg-tip-key", key + ": "));
    r.appendChild(el("span", "", value));
    parent.appendChild(r);
  }

  function articleLabel(key) {
    var headline = data.articles[key];
    return headline ? headline + " (" + key + ")" : key;
  }

  function nodeTip(n) {
    var tip = el("div", "kg-tip");
    var head = el("div", "kg-tip-head", n.label + " ");
    head.appendChild(el("span", "kg-tip-type", n.kgType));
    tip.appendChild(head);
    row(tip, "type", n.kgType);
    row(tip, "name", n.label);
    if (n.kgAliases.length) { row(tip, "aliases", n.kgAliases.join("、")); }
    n.kgAttrs.forEach(function (kv) { row(tip, kv[0], kv[1]); });
    row(tip, "relations", n.value);
    if (n.kgArticles.length) {
      row(tip, "articles", n.kgArticles.length);
      var list = el("ul");
      n.kgArticles.slice(0, data.maxArticles).forEach(function (key) { list.appendChild(el("li", "", articleLabel(key))); });
      if (n.kgArticles.length > data.maxArticles) {
        list.appendChild(el("li", "", "… +" + (n.kgArticles.length - data.maxArticles) + " more"));
      }
      tip.appendChild(list);
    }
    return tip;
  }

  function edgeTip(e) {
    var tip = el("div", "kg-tip");
    var from = nodes.get(e.from), to = nodes.get(e.to);
    tip.appendChild(el("div", "kg-tip-head", from.label + " —" + e.kgPredicate + "→ " + to.label));
    row(tip, "predicate", e.kgPredicate);
    row(tip, "confidence", e.kgConfidence);
    e.kgAttrs.forEach(function (kv) { row(tip, kv[0], kv[1]); });
    row(tip, "evidence", e.kgEvidenceTotal);
    e.kgEvidence.forEach(function (ev) {
      var q = el("div", "kg-quote", "“" + ev[1] + "”");
      q.appendChild(el("div", "kg-src", "— " + articleLabel(ev[0])));
      tip.appendChild(q);
    });
    if (e.kgEvidenceTotal > e.kgEvidence.length) {
      tip.appendChild(el("div", "kg-src", "… +" + (e.kgEvidenceTotal - e.kgEvidence.length) + " more"));
    }
    return tip;
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  nodes.update(data.nodes.map(function (n) { return { id: n.id, title: nodeTip(n) }; }));
  edges.update(data.edges.map(function (e) { return { id: e.id, title: edgeTip(e) }; }));

  var typeOf = {};
  data.nodes.forEach(function (n) { typeOf[n.id] = n.kgType; });
  var hiddenTypes = {}, hiddenPredicates = {};
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return !hiddenTypes[n.kgType]; } });
  var edgesView = new vis.DataView(edges, {
    filter: function (e) {
      return !hiddenPredicates[e.kgPredicate] && !hiddenTypes[typeOf[e.from]] && !hiddenTypes[typeOf[e.to]];
    }
  });

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, data.options);

  function stable() {  // stableMs: from navigation start to the first drawing that no longer moves
    if (window.kg.stableMs === null) {
      window.kg.stableMs = Math.round(performance.now());
      if (data.focus && nodes.get(data.focus)) {
        network.selectNodes([data.focus]);
      }
      document.body.setAttribute("data-stable", "1");
    }
  }
  if (!data.nodes.length) {
    setTimeout(stable, 0);
  } else if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      stable();
    });
  } else {
    network.once("afterDrawing", stable);
  }

  function checkbox(list, color, glyph, text, count, onChange) {
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () { onChange(box.checked); });
    label.appendChild(box);
    var mark = glyph ? el("span", "kg-glyph", glyph) : el("span", "kg-line");
    if (glyph) { mark.style.color = color; } else { mark.style.background = color; }
    label.appendChild(mark);
    label.appendChild(el("span", "", text));
    label.appendChild(el("span", "kg-count", count));
    li.appendChild(label);
    list.appendChild(li);
    return box;
  }

  var typeBoxes = {};
  data.types.forEach(function (t) {
    typeBoxes[t.type] = checkbox(document.getElementById("kg-types"), t.color, t.glyph, t.type + " " + t.zh, t.count,
      function (on) { setType(t.type, on); });
    typeBoxes[t.type].setAttribute("data-type", t.type);
  });
  data.predicates.forEach(function (p) {
    var box = checkbox(document.getElementById("kg-predicates"), p.color, "", p.predicate + " " + p.zh, p.count,
      function (on) { hiddenPredicates[p.predicate] = !on; edgesView.refresh(); });
    box.setAttribute("data-predicate", p.predicate);
  });

  function setType(type, on) {
    hiddenTypes[type] = !on;
    typeBoxes[type].checked = on;
    nodesView.refresh();
    edgesView.refresh();
  }

  var note = document.getElementById("kg-note");
  if (data.note) { note.textContent = data.note; note.hidden = false; }

  // search: exact name, exact alias, then prefix, then substring (Chinese input via IME is handled on compositionend)
  var names = document.getElementById("kg-names");
  var entries = [];
  data.nodes.forEach(function (n) {
    entries.push([n.label, n.id]);
    n.kgAliases.forEach(function (a) { entries.push([a, n.id]); });
  });
  entries.forEach(function (entry) { var o = el("option"); o.value = entry[0]; names.appendChild(o); });

  function norm(s) { return String(s).replace(/\s+/g, "").toLowerCase(); }
  function lookup(query) {
    var q = norm(query);
    if (!q) { return null; }
    var tests = [
      function (s) { return s === q; },
      function (s) { return s.indexOf(q) === 0; },
      function (s) { return s.indexOf(q) >= 0; }
    ];
    for (var i = 0; i < tests.length; i++) {
      for (var j = 0; j < entries.length; j++) {
        if (tests[i](norm(entries[j][0]))) { return entries[j][1]; }
      }
    }
    return null;
  }

  var status = document.getElementById("kg-search-status");
  function search(query) {
    var id = lookup(query);
    if (id === null) { status.textContent = query ? "未找到 / no match" : ""; return null; }
    var n = nodes.get(id);
    if (hiddenTypes[n.kgType]) { setType(n.kgType, true); }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    status.textContent = "→ " + n.label + " (" + n.kgType + ")";
    return id;
  }

  var input = document.getElementById("kg-search");
  document.getElementById("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(input.value);
  });
  input.addEventListener("input", function (ev) { if (!ev.isComposing) { search(input.value); } });
  input.addEventListener("compositionend", function () { search(input.value); });

  window.kg = {
    network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    search: search, setType: setType, stableMs: null
  };
})();
