// Filter the timeline rows by the text typed (matching is on the rows' text, never parsed as HTML).
(function () {
  "use strict";
  const input = document.getElementById("filter");
  const count = document.getElementById("filter-count");
  const rows = Array.from(document.querySelectorAll("tr.event"));
  document.getElementById("filter-form").addEventListener("submit", ev => ev.preventDefault());
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    let shown = 0;
    rows.forEach(r => {
      const hit = !q || r.textContent.toLowerCase().includes(q);
      r.hidden = !hit;
      if (hit) shown += 1;
    });
    document.querySelectorAll("section.period").forEach(s => {
      s.hidden = !s.querySelector("tr.event:not([hidden])");
    });
    count.textContent = shown + " 项活动";
  });
  document.body.dataset.ready = "true";
})();
