// Perekaman staff pages: small conveniences only; every form works without this file.
(function () {
  "use strict";
  // Ask before irreversible bulk actions (no-shows, cancelling a jemput bola day).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Changing the place reloads the day list at once.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
