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
  // A table wider than the screen scrolls inside its .table-scroll: such a region takes the keyboard focus,
  // so that it can be scrolled without a mouse (WCAG 2.1.1).
  function focusableScrolls() {
    var regions = document.querySelectorAll(".table-scroll");
    for (var i = 0; i < regions.length; i++) {
      if (regions[i].scrollWidth > regions[i].clientWidth + 1) { regions[i].setAttribute("tabindex", "0"); }
      else { regions[i].removeAttribute("tabindex"); }
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", focusableScrolls); } else { focusableScrolls(); }
  window.addEventListener("resize", focusableScrolls);
  document.addEventListener("turbo:load", focusableScrolls);
})();
