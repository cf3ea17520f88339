// Booking a time: the safety questions' advice as soon as a box is ticked. The page works without this script:
// the server shows the same advice once the answers are sent.
(function () {
  "use strict";

  function watchRedFlags(form) {
    var data = document.getElementById("emergency-flags");
    var emergencyAdvice = document.getElementById("red-flag-advice");
    var urgentAdvice = document.getElementById("urgent-flag-advice");
    var boxes = form.querySelectorAll("input[name='red_flags']");
    if (!data || !emergencyAdvice || !urgentAdvice || !boxes.length) return;
    var emergency = JSON.parse(data.textContent);
    function update() {
      var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; });
      var isEmergency = ticked.some(function (box) { return emergency.indexOf(box.value) !== -1; });
      emergencyAdvice.hidden = !isEmergency;
      urgentAdvice.hidden = isEmergency || !ticked.length;
    }
    Array.prototype.forEach.call(boxes, function (box) { box.addEventListener("change", update); });
    update();
  }

  // After a mistake, take the reader to the list of what to fix; each item links to its field.
  function focusErrorSummary() {
    var summary = document.getElementById("form-problems");
    if (summary) summary.focus();
  }

  var form = document.querySelector("form.appointment-start");
  if (form) {
    watchRedFlags(form);
    focusErrorSummary();
  }
  // A time just taken: say so first.
  var taken = document.getElementById("time-taken");
  if (taken) taken.focus();
})();
