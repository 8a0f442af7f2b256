// Checkout: choosing another address or shipping option re-quotes at once by pressing the
// "Update" button for the buyer (htmx then swaps the form). Without JS, they press it themselves.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-checkout] [data-requote]")) return;
    var button = input.form && input.form.querySelector("[data-requote-button]");
    if (button) button.click();
  });
})();
