// The expert's weighted total, kept current while scoring. Markup: templates/cases/assessments/steps/score.html.
(function () {
  "use strict";
  var out = document.querySelector("[data-total]");
  if (!out) { return; }
  var inputs = document.querySelectorAll(".rubric input[data-weight]");
  function total() {
    var sum = 0, complete = true;
    inputs.forEach(function (i) { if (i.value === "") { complete = false; } else { sum += Number(i.value) * Number(i.dataset.weight) / 100; } });
    out.textContent = complete ? sum.toFixed(2) : "—";
  }
  inputs.forEach(function (i) { i.addEventListener("input", total); });
  total();
})();
