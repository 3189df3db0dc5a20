// The idle timeout, announced (WCAG 2.2.1 timing adjustable; progressive enhancement): two minutes before the
// session ends the page says so and offers "Forbliv logget ind", which renews the session with one request
// (POST /session/forny). When the time is up it says what happened and that typed input is kept (form-keep.js).
(function () {
  'use strict';

  function init() {
    var cfg = document.getElementById('form-keep');
    var idle = cfg && Number(cfg.getAttribute('data-idle-seconds'));
    if (!idle) return;
    var warn = Number(cfg.getAttribute('data-warn-seconds'));
    var timers = [];
    var box, text, stay;

    // Built only when first shown, so the page holds no hidden extra button before then.
    function build() {
      box = document.createElement('div');
      box.className = 'alert alert-warning session-timeout';
      box.setAttribute('role', 'alert');
      box.innerHTML = '<div class="alert-body"><p class="alert-text"></p>'
        + '<button type="button" class="button button-primary session-stay"></button></div>';
      text = box.querySelector('p');
      stay = box.querySelector('button');
      stay.textContent = cfg.getAttribute('data-idle-stay');
      stay.addEventListener('click', renew);
      var main = document.getElementById('main-content');
      main.insertBefore(box, main.firstChild);
    }

    function show(message, offerStay) {
      if (!box) build();
      text.textContent = message;
      stay.hidden = !offerStay;
      box.hidden = false;
      if (offerStay) stay.focus();
    }

    function schedule() {
      timers.forEach(clearTimeout);
      timers = [
        setTimeout(function () { show(cfg.getAttribute('data-idle-warning'), true); }, (idle - warn) * 1000),
        setTimeout(function () { show(cfg.getAttribute('data-idle-expired'), false); }, idle * 1000),
      ];
    }

    function renew() {
      var token = document.querySelector('meta[name="csrf-token"]');
      fetch('/session/forny', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'X-CSRF-Token': token ? token.getAttribute('content') : '' },
      }).then(function (res) {
        if (res.status === 204) {
          show(cfg.getAttribute('data-idle-renewed'), false);
          schedule();
          setTimeout(function () { box.hidden = true; }, 4000);
        } else {
          show(cfg.getAttribute('data-idle-expired'), false);
        }
      }, function () { /* offline: the warning stays and can be tried again */ });
    }
    schedule();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
