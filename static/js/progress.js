// A progress bar that polls its data-progress-url (JSON: percent, text, finished) and reloads the page when
// the job ends. Markup: templates/cases/certificates/_progress.html.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress-url]:not([data-progress-started])").forEach(function (box) {
    box.dataset.progressStarted = "1";
    var bar = box.querySelector("progress"), text = box.querySelector(".job-progress__text");
    function tick() {
      fetch(box.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.percent !== null) { bar.value = data.percent; } else { bar.removeAttribute("value"); }
          text.textContent = data.text;
          if (data.finished) { window.location.reload(); } else { window.setTimeout(tick, 1000); }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 700);
  });
})();
