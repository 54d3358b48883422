// The leader's sign-off: the conclusion the checklist gives, kept current in the browser.
// Mirrors cases.models.inspections.conclude(); the server recomputes and decides.
// Markup: templates/cases/inspections/_conclusion.html.
(function () {
  "use strict";
  var box = document.getElementById("sign-off");
  var labelsElement = document.getElementById("conclusion-labels");
  if (!box || !labelsElement || box.dataset.started) { return; }
  box.dataset.started = "1";
  var labels = JSON.parse(labelsElement.textContent);
  var out = box.querySelector("[data-computed]"), reason = box.querySelector("[data-reason]");
  var radios = box.querySelectorAll("input[name=conclusion]");
  var initial = box.querySelector("input[name=conclusion]:checked");
  var touched = !!initial, computed = null;
  function chosen() { var c = box.querySelector("input[name=conclusion]:checked"); return c ? c.value : null; }
  function showReason() { reason.hidden = !chosen() || !computed || chosen() === computed; }
  function compute() {
    var share = Number(box.dataset.share), vetoFail = false, applicable = 0, passed = 0, missing = 0;
    document.querySelectorAll(".check-item[data-code]").forEach(function (item) {
      var checked = item.querySelector("input[type=radio]:checked"), weight = Number(item.dataset.weight);
      if (!checked) { missing += 1; return; }
      if (checked.value === "fail" && item.dataset.veto === "1") { vetoFail = true; }
      if (checked.value !== "na") { applicable += weight; if (checked.value === "pass") { passed += weight; } }
    });
    computed = missing ? null : vetoFail ? "fails" : passed === applicable ? "meets"
      : passed * 100 / applicable >= share ? "basically" : "fails";
    out.textContent = computed ? labels[computed] : labels.incomplete;
    if (computed && !touched) { box.querySelector("input[name=conclusion][value=" + computed + "]").checked = true; }
    showReason();
  }
  radios.forEach(function (r) { r.addEventListener("change", function () { touched = true; showReason(); }); });
  document.addEventListener("change", function (e) { if (e.target.closest && e.target.closest(".check-item")) { compute(); } });
  compute();
  if (initial && initial.value === computed) { touched = false; }  // still following the checklist
})();
