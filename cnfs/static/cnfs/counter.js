// The character counter of long text areas: shown at once, announced after a pause.
document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
  var area = document.getElementById(counter.dataset.counterFor);
  var max = parseInt(counter.dataset.counterMax, 10);
  var visible = counter.querySelector("[data-counter-visible]");
  var live = counter.querySelector("[data-counter-live]");
  var timer;
  if (!area) { return; }
  area.addEventListener("input", function () {
    var left = max - area.value.length;
    visible.textContent = area.value.length + " / " + max + " caractères";
    clearTimeout(timer);
    timer = setTimeout(function () {
      live.textContent = left >= 0 ? "Il reste " + left + " caractères." : "Vous dépassez de " + (-left) + " caractères.";
    }, 1000);
  });
});
