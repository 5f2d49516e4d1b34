// The attempt's timer. The server says how many seconds are left (its clock, not the
// browser's); at zero the form is submitted with what is on the page. If this never runs,
// the server submits the attempt itself with the answers saved so far.
// At 5 minutes and at 1 minute left the timer changes style and a visible status line says
// so (screen readers hear that line, not every second).
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  if (!timer) return;
  var box = timer.closest(".timer");
  var alertBox = document.getElementById("timer-alert");
  var form = document.getElementById("attempt-form");
  var endsAt = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
  var shownLevel = null;

  function show(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }

  // 0: plenty of time, 1: five minutes or less, 2: one minute or less.
  function level(seconds) {
    if (seconds <= 60) return 2;
    if (seconds <= 300) return 1;
    return 0;
  }

  function announce(seconds, lvl) {
    var mark = lvl === 2 ? 60 : 300;
    var words = lvl === 2 ? "1 minute" : "5 minutes";
    // Right at the mark it is "5 minutes left"; a page opened later says "less than".
    var text = (seconds > mark - 5 ? words : "Less than " + words) + " left.";
    alertBox.textContent = text + " Your answers are submitted for you when the time runs out.";
  }

  function submitForTimeUp() {
    if (!form || form.dataset.submitted) return;
    form.dataset.submitted = "1";
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "time_up";
    flag.value = "1";
    form.appendChild(flag);
    form.requestSubmit();
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    show(left);
    var lvl = level(left);
    box.classList.toggle("warning", lvl >= 1);
    box.classList.toggle("urgent", lvl === 2);
    if (lvl !== shownLevel) {
      if (lvl > 0 && left > 0) announce(left, lvl);
      shownLevel = lvl;
    }
    if (left === 0) {
      box.classList.add("expired");
      alertBox.textContent = "Time is up: submitting your answers.";
      submitForTimeUp();
      return;
    }
    window.setTimeout(tick, 250);
  }
  tick();
})();
