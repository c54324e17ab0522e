// Live estimate and extra rows for the exhibitor page. The page works without this script:
// the form posts, the server checks, and the estimate is drawn on every page load.
"use strict";
(function () {
  const form = document.getElementById("entry");
  if (!form) return;
  const csrf = document.getElementById("csrf").value;
  const estimated = document.getElementById("estimate-labels").dataset.estimated;
  let timer = null;
  let sequence = 0;

  function number(value) {
    return value === null || value === undefined
      ? "–"
      : Number(value).toLocaleString("en-US", { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  }

  function showErrors(errors) {
    form.querySelectorAll(".err").forEach(function (span) {
      const messages = errors[span.dataset.for] || [];
      span.textContent = messages.join("; ");
      const cell = span.closest("td");
      if (cell) cell.classList.toggle("bad", messages.length > 0);
    });
  }

  function showEstimate(data) {
    const body = document.getElementById("estimate-groups");
    body.replaceChildren();
    (data.groups || []).forEach(function (g) {
      const row = document.createElement("tr");
      const head = document.createElement("th");
      head.textContent = g.label;
      if (g.estimated) {
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = estimated;
        head.append(" ", badge);
      }
      const cell = document.createElement("td");
      cell.className = "num";
      cell.textContent = number(g.tco2e);
      row.append(head, cell);
      body.append(row);
    });
    document.getElementById("estimate-total").textContent = number(data.total_tco2e);
    const sum = document.getElementById("estimate-sum");
    if (sum) sum.textContent = number(data.total_tco2e);
    const list = document.getElementById("estimate-assumptions");
    list.replaceChildren();
    (data.assumptions || []).forEach(function (text) {
      const item = document.createElement("li");
      item.textContent = text;
      list.append(item);
    });
    const error = document.getElementById("estimate-error");
    error.hidden = !data.error;
    error.textContent = data.error || "";
  }

  function refresh() {
    const mine = ++sequence;
    const body = new URLSearchParams(new FormData(form));
    fetch(window.location.pathname + "/estimate" + window.location.search.replace(/saved=1&?/, ""), {
      method: "POST",
      headers: { "X-CSRF-Token": csrf },
      body: body,
      credentials: "same-origin",
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || mine !== sequence) return; // an older answer than the last request
        showEstimate(data);
        showErrors(data.errors || {});
        document.body.dataset.estimated = String(mine);
      })
      .catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  }

  // On a phone the estimate is a one-line bar at the top; a tap opens its details.
  const estimateBox = document.getElementById("estimate");
  estimateBox.querySelector("h2").addEventListener("click", function () {
    estimateBox.classList.toggle("open");
  });

  form.addEventListener("input", later);
  form.addEventListener("change", later);

  // Remove a row: its cells are cleared (a cleared row is removed when saved) and it is hidden.
  form.addEventListener("click", function (event) {
    const button = event.target.closest("button.remove");
    if (!button) return;
    const row = button.closest("tr");
    row.querySelectorAll("input, select").forEach(function (el) { el.value = ""; });
    const body = row.parentElement;
    if (body.querySelectorAll("tr:not([hidden])").length > 1) row.hidden = true;
    later();
  });

  document.querySelectorAll("button.add").forEach(function (button) {
    button.addEventListener("click", function () {
      const table = document.querySelector('table[data-section="' + button.dataset.section + '"] tbody');
      const rows = table.querySelectorAll("tr");
      const last = rows[rows.length - 1];
      const next = Math.max.apply(null, Array.from(rows).map(function (r) { return Number(r.dataset.index); })) + 1;
      const copy = last.cloneNode(true);
      copy.dataset.index = String(next);
      copy.querySelectorAll("[name], .err").forEach(function (el) {
        const rename = function (text) { return text.replace(/^([a-z]+)-\d+/, "$1-" + next); };
        if (el.name) { el.name = rename(el.name); el.value = ""; }
        if (el.dataset.for) { el.dataset.for = rename(el.dataset.for); el.textContent = ""; }
      });
      copy.querySelectorAll("td.bad").forEach(function (td) { td.classList.remove("bad"); });
      copy.hidden = false;
      table.append(copy);
      const first = copy.querySelector("input, select");
      if (first) first.focus();
    });
  });
})();
