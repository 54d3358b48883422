// Irreversible steps ask before they are done, saying what will happen; a second press sends nothing twice.
// A step template holds <div hidden data-confirm-messages data-field="outcome" data-<choice>="question">: the
// choice is the value of the form's field named by data-field (accept, return, approve, ...), or "complete" for a
// step without choices. Buttons of the step's other actions (save findings, record a date) are not asked about.
(function () {
  "use strict";
  if (window.confirmStepInstalled) { return; }
  window.confirmStepInstalled = true;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var messages = form.querySelector && form.querySelector("[data-confirm-messages]");
    if (!messages) { return; }
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    var submitter = event.submitter;
    if (submitter && submitter.name === "action" && submitter.value !== "complete") { form.dataset.submitting = "1"; return; }
    var choice = "complete";
    if (messages.dataset.field) {
      var field = form.elements[messages.dataset.field];
      choice = field ? field.value : "";
      if (!choice) { return; }  // the server names the missing choice
    }
    var question = messages.dataset[choice.replace(/[-_]([a-z])/g, function (m, c) { return c.toUpperCase(); })];
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
  }, true);
  // Back from the browser's page cache: the form may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) { delete form.dataset.submitting; });
  });
})();
