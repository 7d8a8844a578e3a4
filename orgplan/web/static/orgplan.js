// orgplan serve: small touches on top of pages that work without JavaScript.
(function () {
  "use strict";
  // "Add a row" for named rows (countries, business units): the server always sends two blank rows.
  document.querySelectorAll(".add-row").forEach(function (button) {
    var table = document.querySelector('table[data-rows="' + button.dataset.for + '"] tbody');
    if (!table) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = table.querySelectorAll("tr");
      var last = rows[rows.length - 1];
      var next = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        input.name = input.name.replace(/\.(\d+)\.([A-Za-z_]\w*)$/, "." + next + ".$2");
        input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/row \d+/, "row " + (next + 1)));
      });
      table.appendChild(copy);
      copy.querySelector("input").focus();
    });
  });
  // Org charts: fit the width of the page, or show at actual size to read small boxes.
  // A chart wider than its box opens centred, where the head of HR sits over the teams.
  function centre(chart) {
    chart.scrollLeft = Math.max(0, (chart.scrollWidth - chart.clientWidth) / 2);
  }
  document.querySelectorAll(".chart-card").forEach(function (card) {
    var toggle = card.querySelector(".fit-toggle");
    var chart = card.querySelector(".chart");
    if (!chart) return;
    centre(chart);
    if (!toggle) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var fitted = chart.classList.toggle("fit");
      toggle.textContent = fitted ? "Actual size" : "Fit to page";
      centre(chart);
    });
  });
  // Blank inputs are left out of the link, so it stays short and defaults apply.
  document.querySelectorAll('form[method="get"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[type=text], select").forEach(function (input) {
        if (input.value === "" && input.name) input.disabled = true;
      });
      window.setTimeout(function () {
        form.querySelectorAll("input:disabled, select:disabled").forEach(function (input) { input.disabled = false; });
      }, 0);
    });
  });
  var summary = document.getElementById("errors");
  if (summary) summary.focus();
})();
