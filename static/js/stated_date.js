// A date stated at a precision (core/forms.py stated_date_fields): only the inputs the chosen
// precision reads are shown (a day: the date; a month: the month; a half: the fiscal year and
// the half; 年度中・年度末: the fiscal year). Without this script every input shows, and the
// server reads the ones the precision names.
(function () {
  "use strict";

  const READS = {
    day: ["date"],
    month: ["month"],
    half: ["fiscal_year", "half"],
    fiscal_year: ["fiscal_year"],
    fiscal_year_end: ["fiscal_year"],
  };
  const PARTS = ["date", "month", "fiscal_year", "half"];

  function follow(select) {
    const prefix = select.name.slice(0, -"_precision".length);
    const form = select.form;
    function show() {
      const wanted = READS[select.value] || READS.day;
      PARTS.forEach(function (part) {
        const input = form.querySelector("[name=" + prefix + "_" + part + "]");
        const field = input && input.closest(".field");
        if (field) field.hidden = wanted.indexOf(part) === -1;
      });
    }
    select.addEventListener("change", show);
    show();
  }

  document.querySelectorAll("form select[name$=_precision]").forEach(follow);
})();
