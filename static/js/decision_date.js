// The decision date follows the chosen meeting (its option's data-date) while the date is empty
// or still the one a meeting filled in; a date typed by hand is kept. Without this script the
// server does the same for an empty date (candidates/forms.py TransitionForm.clean).
(function () {
  "use strict";

  function follow(form) {
    const meeting = form.querySelector("select[name=meeting]");
    const date = form.querySelector("input[name=decided_on]");
    if (!meeting || !date) return;
    let filled = "";
    meeting.addEventListener("change", function () {
      const option = meeting.options[meeting.selectedIndex];
      const meetingDate = option ? option.dataset.date || "" : "";
      if (date.value === "" || date.value === filled) {
        date.value = meetingDate;
        filled = meetingDate;
      }
    });
  }

  document.querySelectorAll("form[data-decision-form]").forEach(follow);
})();
