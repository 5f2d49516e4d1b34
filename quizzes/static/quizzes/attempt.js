// The attempt's timer. The server says how many seconds are left (its clock, not the
// browser's); at zero the form is submitted with what is on the page. If this never runs,
// the server submits the attempt itself with the answers saved so far.
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  if (!timer) return;
  var alertBox = document.getElementById("timer-alert");
  var form = document.getElementById("attempt-form");
  var endsAt = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
  var announced = {};

  function show(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    show(left);
    // Screen readers hear the time at a few moments only, not every second.
    [300, 60].forEach(function (mark) {
      if (left <= mark && left > mark - 5 && !announced[mark]) {
        announced[mark] = true;
        alertBox.textContent = (mark / 60) + (mark === 60 ? " minute" : " minutes") + " left.";
      }
    });
    if (left === 0) {
      timer.closest(".timer").classList.add("expired");
      alertBox.textContent = "Time is up: submitting your answers.";
      if (form && !form.dataset.submitted) {
        form.dataset.submitted = "1";
        form.requestSubmit();
      }
      return;
    }
    window.setTimeout(tick, 250);
  }
  tick();
})();
