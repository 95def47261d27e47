/* ujikom show-password: a toggle button beside each password field of the page (the
   log-in, registration, password and reset forms, and the administrator's new account).
   type=button, so it never submits, and the form posts the same fields with or without
   this script. */
(function () {
  'use strict';
  var en = document.documentElement.lang === 'en';
  Array.prototype.forEach.call(document.querySelectorAll('input[type=password][id]'), function (pw) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary pw-toggle';
    b.textContent = en ? 'Show password' : 'Tampilkan kata sandi';
    b.setAttribute('aria-controls', pw.id);
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', function () {
      var show = pw.type === 'password';
      pw.type = show ? 'text' : 'password';
      b.setAttribute('aria-pressed', String(show));
    });
    pw.parentNode.insertBefore(b, pw.nextSibling);
  });
  // Leaving the page masks the password again, so a page the browser restores from its
  // back-forward cache does not show it.
  window.addEventListener('pagehide', function () {
    Array.prototype.forEach.call(document.querySelectorAll('.pw-toggle[aria-pressed=true]'), function (b) {
      b.click();
    });
  });
})();
