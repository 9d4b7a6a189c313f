// Leaderboard: collapse / expand parent columns (kept in the URL), auto-submit the filters.
(function () {
  "use strict";
  const table = document.getElementById("leaderboard");
  const form = document.getElementById("filters");
  const style = document.getElementById("collapsed-style");

  function collapsedSet() {
    const value = new URL(window.location.href).searchParams.get("collapsed") || "";
    return new Set(value.split(",").filter(Boolean));
  }

  function apply(collapsed) {
    const headers = Array.from(table.tHead.rows[0].cells);
    const rules = [];
    headers.forEach(function (th, index) {
      const ancestors = (th.dataset.ancestors || "").split(" ").filter(Boolean);
      if (ancestors.some(function (a) { return collapsed.has(a); })) {
        rules.push("table.leaderboard tr > :nth-child(" + (index + 1) + ") { display: none; }");
      }
      const button = th.querySelector("button.toggle");
      if (button) {
        const closed = collapsed.has(button.dataset.toggle);
        button.textContent = closed ? "▸" : "▾";
        button.setAttribute("aria-expanded", closed ? "false" : "true");
      }
    });
    style.textContent = rules.join("\n");
  }

  function remember(collapsed) {
    const url = new URL(window.location.href);
    const value = Array.from(collapsed).join(",");
    if (value) { url.searchParams.set("collapsed", value); } else { url.searchParams.delete("collapsed"); }
    window.history.replaceState(null, "", url);
    if (form && form.elements.collapsed) { form.elements.collapsed.value = value; }
    document.querySelectorAll("a.sort").forEach(function (link) {
      const target = new URL(link.href);
      if (value) { target.searchParams.set("collapsed", value); } else { target.searchParams.delete("collapsed"); }
      link.href = target.toString();
    });
  }

  if (table && style) {
    table.tHead.addEventListener("click", function (event) {
      const button = event.target.closest("button.toggle");
      if (!button) { return; }
      const collapsed = collapsedSet();
      const name = button.dataset.toggle;
      if (collapsed.has(name)) { collapsed.delete(name); } else { collapsed.add(name); }
      remember(collapsed);
      apply(collapsed);
    });
  }
  function submitShort() {
    // Empty fields stay out of the URL, so a shared view's link is short.
    Array.from(form.elements).forEach(function (field) {
      if (field.name && field.value === "") { field.disabled = true; }
    });
    form.submit();
  }

  if (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); submitShort(); });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", submitShort);
    });
  }
})();
