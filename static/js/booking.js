// Booking form helpers. The form works without this script: the server shows the same advice and messages.
(function () {
  "use strict";

  // Show the emergency advice beside the questions as soon as one is answered yes, unless the server has
  // already put the advice at the top of the page: one copy, one announcement.
  function watchRedFlags(form) {
    var advice = document.getElementById("red-flag-advice");
    var boxes = form.querySelectorAll("input[name='red_flags']");
    if (!advice || !boxes.length || document.getElementById("emergency-advice")) return;
    function update() {
      advice.hidden = !Array.prototype.some.call(boxes, function (box) { return box.checked; });
    }
    Array.prototype.forEach.call(boxes, function (box) { box.addEventListener("change", update); });
    update();
  }

  // Offer only the times of day the clinic is open on the chosen date (today: those with time left).
  function watchDate(form) {
    var data = document.getElementById("booking-windows");
    var date = form.querySelector("input[name='preferred_date']");
    var choices = form.querySelectorAll("input[name='preferred_time']");
    if (!data || !date || !choices.length) return;
    var windows = JSON.parse(data.textContent);
    function update() {
      if (!date.value) return;
      var parts = date.value.split("-");
      // getDay(): 0 is Sunday; the clinic's data counts from Monday.
      var weekday = (new Date(+parts[0], parts[1] - 1, +parts[2]).getDay() + 6) % 7;
      var open = date.value === windows.today ? windows.today_windows : windows.weekdays[weekday] || [];
      Array.prototype.forEach.call(choices, function (choice) {
        choice.disabled = open.indexOf(choice.value) === -1;
        if (choice.disabled) choice.checked = false;
      });
    }
    date.addEventListener("change", update);
    update();
  }

  // After a mistake, take the reader to the list of what to fix; each item links to its field.
  function focusErrorSummary() {
    var summary = document.getElementById("form-problems");
    if (summary) summary.focus();
  }

  var form = document.querySelector("form.booking-form");
  if (form) {
    watchRedFlags(form);
    watchDate(form);
    focusErrorSummary();
  }
})();
