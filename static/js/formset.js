// "Add a row" for the meeting editor's formsets, without inline script (the CSP forbids it):
// each formset carries its empty form in a <template>; a click clones it with the next index
// and counts it in TOTAL_FORMS. Without this script the blank row already on the page is used.
(function () {
  "use strict";

  function addRow(fieldset) {
    const prefix = fieldset.dataset.formset;
    const total = fieldset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const template = fieldset.querySelector("template.formset__empty");
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    fieldset.querySelector(".formset__rows").appendChild(row);
    total.value = String(index + 1);
    const first = row.querySelector("textarea, input:not([type=hidden]), select");
    if (first) first.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      const fieldset = button.closest("[data-formset]");
      button.hidden = false;
      button.addEventListener("click", function () { addRow(fieldset); });
    });
    // A row marked for deletion is shown struck through, so the page says what will be saved.
    document.addEventListener("change", function (event) {
      const box = event.target;
      if (box.matches && box.matches(".formset__delete input[type=checkbox]")) {
        box.closest(".formset__row").classList.toggle("formset__row--deleted", box.checked);
      }
    });
  });
})();
