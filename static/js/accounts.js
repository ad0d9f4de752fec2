// Show/hide toggles for password fields: typing a long password on a phone keyboard without
// seeing it is where most sign-up mistakes happen. Labels come from data attributes on the
// form, so they are translated by the template.
(function () {
  "use strict";
  document.querySelectorAll("form[data-show-label]").forEach(function (form) {
    var show = form.getAttribute("data-show-label");
    var hide = form.getAttribute("data-hide-label");
    form.querySelectorAll('input[type="password"]').forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "password-toggle";
      button.textContent = show;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var visible = input.type === "text";
        input.type = visible ? "password" : "text";
        button.textContent = visible ? show : hide;
        button.setAttribute("aria-pressed", visible ? "false" : "true");
      });
      input.insertAdjacentElement("afterend", button);
    });
  });
})();
