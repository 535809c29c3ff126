// Shows only the questions the answers so far call for (one person or a workshop, the
// place, the precise duration), and checks a workshop's counts against its participants as
// one types (the server checks again).
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
  function chosen(name) {
    return (form.querySelector("[name=" + name + "]:checked") || {}).value;
  }
  function show(selector, attribute, value) {
    form.querySelectorAll(selector).forEach(function (block) {
      block.hidden = block.getAttribute(attribute).split(" ").indexOf(value) < 0;
    });
  }
  function toggle() {
    show("[data-show-for-kind]", "data-show-for-kind", chosen("kind"));
    show("[data-show-for]", "data-show-for", chosen("channel"));
    show("[data-show-for-duration]", "data-show-for-duration", chosen("duration"));
  }
  form.addEventListener("input", function (event) {
    if (event.target === participants || event.target.dataset.group) { check(); }
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind" && event.target.value === "workshop") { check(); }
    toggle();
  });
  toggle();
})();
