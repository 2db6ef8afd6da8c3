// The graph page: draw the precomputed layout (physics off), search, class filters, details panel.
// Article text reaches the page only as JSON data and the DOM only through textContent.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const details = data.details;
  const classWord = data.classWords;

  function tooltip(d) {
    const lines = [d.name + "（" + (classWord[d.kind] || d.kind) + "）"];
    (d.posts || []).slice(0, 3).forEach(p => lines.push(p.org ? p.org + " " + p.title : p.title));
    if (d.date) lines.push(d.date);
    if (d.events && d.events.length) lines.push("活动 " + d.events.length + " 项");
    if (d.visits && d.visits.length) lines.push("到访活动 " + d.visits.length + " 项");
    lines.push("点击查看详情");
    return lines.join("\n");
  }
  data.nodes.forEach(n => { if (details[n.id]) n.title = tooltip(details[n.id]); });

  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const container = document.getElementById("network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;  // for tests, benchmarks and the browser console
  network.once("afterDrawing", () => { document.body.dataset.ready = "true"; });

  // ---- details panel: every piece of article text goes in with textContent
  const panel = document.getElementById("details");

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function section(title, items) {
    if (!items || !items.length) return;
    panel.appendChild(el("h3", title));
    const ul = el("ul");
    items.forEach(item => {
      const li = el("li");
      if (typeof item === "string") li.textContent = item;
      else li.appendChild(item);
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  function jump(id, text) {  // a link to another node of this view, or plain text when it is not drawn here
    if (!nodes.get(id)) return el("span", text);
    const b = el("button", text, "link");
    b.type = "button";
    b.addEventListener("click", () => select(id));
    return b;
  }

  function eventLine(e, role) {
    const span = el("span");
    span.appendChild(el("span", (e.date || "日期不详") + " "));
    span.appendChild(jump(e.id, e.label));
    const more = [];
    if (role) more.push(role === "leader" ? "带队" : "参加");
    if (e.leaders && !role) more.push("带队：" + e.leaders.join("、"));
    if (e.places && e.places.length) more.push("地点：" + e.places.join("、"));
    if (more.length) span.appendChild(el("span", "（" + more.join("；") + "）", "muted"));
    return span;
  }

  function showDetails(id) {
    const d = details[id];
    panel.replaceChildren();
    if (!d) return;
    panel.appendChild(el("h2", d.name));
    panel.appendChild(el("p", classWord[d.kind] || d.kind, "muted"));
    section("职务", (d.posts || []).map(p => p.org ? p.org + " · " + p.title : p.title));
    if (d.role) section("身份", [d.role]);
    if (d.jurisdiction) section("辖区", [d.jurisdiction]);
    section("任职者", (d.holders || []).map(h => h.name + " · " + h.title));
    if (d.partOf) section("位于", [d.partOf.join(" › ")]);
    if (d.adcode) section("区划代码", [d.adcode]);
    if (d.kind === "Event") {
      section("日期", [d.date || "日期不详"]);
      section("带队", [d.leaders.join("、")].filter(Boolean));
      section("参加", [d.participants.join("、")].filter(Boolean));
      section("地点", [d.places.join("、")].filter(Boolean));
    }
    section("活动", (d.events || []).map(e => eventLine(e, e.as)));
    section("到访活动", (d.visits || []).map(e => eventLine(e)));
    if (d.kind === "Document") {
      section("标题", [d.title].filter(Boolean));
      section("文件", [d.file].filter(Boolean));
      section("发布", [d.published, d.publisher].filter(Boolean));
      section("网址", [d.url].filter(Boolean));
    } else {
      section("来源文件", d.files);
    }
    if (d.evidence && d.evidence.length) {
      panel.appendChild(el("h3", "证据"));
      d.evidence.forEach(ev => {
        const q = el("blockquote", ev.text, "evidence");
        q.appendChild(el("cite", ev.file));
        panel.appendChild(q);
      });
    }
  }

  function select(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showDetails(id);
  }

  network.on("click", params => {
    if (params.nodes.length) showDetails(params.nodes[0]);
  });

  // ---- search: labels containing the text, among the nodes shown
  const input = document.getElementById("search");
  const results = document.getElementById("search-results");
  const count = document.getElementById("search-count");
  document.getElementById("search-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const q = input.value.trim().toLowerCase();
    results.replaceChildren();
    if (!q) { count.textContent = ""; return; }
    const rank = { Official: 0, Person: 1 };
    const found = nodes.get({ filter: n => !n.hidden && String(n.label).toLowerCase().includes(q) })
      .sort((a, b) => (rank[a.group] ?? 2) - (rank[b.group] ?? 2) || String(a.label).localeCompare(String(b.label)));
    count.textContent = found.length ? "找到 " + found.length + " 个" : "没有找到";
    found.slice(0, 30).forEach(n => {
      const li = el("li");
      li.appendChild(jump(n.id, n.label + "（" + (classWord[n.group] || n.group) + "）"));
      results.appendChild(li);
    });
    if (found.length) select(found[0].id);
  });

  // ---- class filters: hide or show every node of a class (its edges follow)
  document.querySelectorAll("#filters input[data-kind]").forEach(box => {
    box.addEventListener("change", () => {
      const kind = box.dataset.kind;
      const ids = nodes.getIds({ filter: n => n.group === kind });
      nodes.update(ids.map(id => ({ id: id, hidden: !box.checked })));
    });
  });

  // ---- graph.html#focus=IRI opens with that node selected (links from the timeline and the index)
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("focus")) {
    const id = hash.get("focus");
    if (nodes.get(id)) network.once("afterDrawing", () => select(id));
    else panel.replaceChildren(el("p", "此节点不在本图中：" + id, "muted"));
  }
})();
