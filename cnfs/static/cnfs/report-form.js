// Checks the age and status counts against the participants as one types (the server
// checks again), and shows only the inputs the chosen place and duration need.
(function () {
  var form = document.querySelector("[data-report-form]");
  if (!form) { return; }
  var participants = form.querySelector("[name=participants]");
  function total(group) {
    var sum = 0;
    form.querySelectorAll("[data-group=" + group + "]").forEach(function (input) {
      sum += parseInt(input.value, 10) || 0;
    });
    return sum;
  }
  function check() {
    var expected = parseInt(participants.value, 10) || 0;
    ["ages", "statuses"].forEach(function (group) {
      var message = form.querySelector("[data-check=" + group + "]");
      var sum = total(group);
      var ok = sum === expected;
      message.textContent = ok
        ? "Total : " + sum + " sur " + expected + " participant(s), c’est juste."
        : "Total : " + sum + " — il doit être égal à " + expected + " participant(s).";
      message.className = "fr-message fr-fieldset__element " + (ok ? "fr-message--valid" : "fr-message--error");
    });
  }
  function toggle() {
    var channel = (form.querySelector("[name=channel]:checked") || {}).value;
    var duration = (form.querySelector("[name=duration]:checked") || {}).value;
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      block.hidden = block.dataset.showFor.split(" ").indexOf(channel) < 0;
    });
    form.querySelectorAll("[data-show-for-duration]").forEach(function (block) {
      block.hidden = block.dataset.showForDuration !== duration;
    });
  }
  form.addEventListener("input", function (event) {
    if (event.target === participants || event.target.dataset.group) { check(); }
  });
  form.addEventListener("change", toggle);
  toggle();
})();
