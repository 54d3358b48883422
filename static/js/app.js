// Behaviour every page shares, without inline handlers (the Content-Security-Policy allows no inline script).
// Delegated from the document, so it also works on pages Turbo swaps in.
(function () {
  "use strict";
  // <select data-autosubmit>: submit its form when the choice changes (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) { target.form.submit(); }
  });
  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  }, true);
})();
