/* ujikom marking: keeps each open item's total current while the assessor chooses levels or
   types points, and each comment box's character count beside it. The page works without
   this script (the server renders the totals and counts as they were when it was sent). */
(function () {
  'use strict';
  function total(panel) {
    var sum = 0;
    Array.prototype.forEach.call(panel.querySelectorAll('input[type=radio][data-points]:checked'), function (el) {
      sum += Number(el.getAttribute('data-points'));
    });
    Array.prototype.forEach.call(panel.querySelectorAll('input[type=number][data-max]'), function (el) {
      var v = Number(el.value);
      if (el.value !== '' && isFinite(v)) sum += v;
    });
    var out = panel.querySelector('output.item-total');
    if (out) out.textContent = String(sum);
  }
  function count(area) {
    var c = document.getElementById(area.getAttribute('data-counter'));
    if (!c) return;
    var max = area.getAttribute('maxlength');
    // characters as the browser's maxlength counts them (UTF-16 code units)
    c.textContent = (c.getAttribute('data-template') || '{n} / {max}')
      .replace('{n}', String(area.value.length)).replace('{max}', String(max));
  }
  function changed(ev) {
    var t = ev.target;
    var panel = t.closest ? t.closest('.mark-rubric') : null;
    if (!panel) return;
    if (t.matches('textarea[data-counter]')) count(t);
    else total(panel);
  }
  document.addEventListener('input', changed);
  document.addEventListener('change', changed);
  Array.prototype.forEach.call(document.querySelectorAll('.mark-rubric'), function (panel) {
    total(panel);
    Array.prototype.forEach.call(panel.querySelectorAll('textarea[data-counter]'), count);
  });
})();
