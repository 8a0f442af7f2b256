// Small progressive enhancements; every page works without them. Loaded with `defer` from
// base.html (the CSP allows only our own script files: no inline handlers anywhere).
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Language switcher: submit on change (the button stays as the no-JS fallback).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // Filters start folded on phones; wide screens have room to show them open.
  if (window.matchMedia("(min-width: 960px)").matches) {
    document.querySelectorAll("details.filters").forEach(function (details) {
      details.open = true;
    });
  }

  // Variant picker: show the chosen variant's price, compare-at price and discount.
  // Prices arrive already formatted ("Rp 125.000") in data attributes: no money maths here.
  document.querySelectorAll("[data-variant-picker]").forEach(function (picker) {
    var box = document.querySelector("[data-price-box]");
    if (!box) return;
    var price = box.querySelector("[data-price]");
    var compareAt = box.querySelector("[data-compare-at]");
    var discount = box.querySelector("[data-discount]");
    picker.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.matches("input[type=radio]")) return;
      price.textContent = input.dataset.price;
      var hasDiscount = input.dataset.discount && input.dataset.discount !== "0";
      compareAt.textContent = input.dataset.compareAt || "";
      compareAt.hidden = !hasDiscount;
      discount.textContent = hasDiscount ? "-" + input.dataset.discount + "%" : "";
      discount.hidden = !hasDiscount;
    });
  });

  // Gallery: a thumbnail shows its photo in the main frame instead of opening the file.
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    if (!main) return;
    gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (thumb) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        main.src = thumb.dataset.full;
        main.alt = thumb.dataset.alt;
        gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (other) {
          other.classList.toggle("is-current", other === thumb);
        });
      });
    });
  });
})();
