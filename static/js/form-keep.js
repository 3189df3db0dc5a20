// Nothing typed is lost (progressive enhancement; every form works without this file):
// - sending one form of a page (a course section) keeps what was typed but not saved in the page's other forms:
//   it is brought back after the page reloads;
// - a form sent after the session ended leads to the login (the server keeps nothing); what was typed is brought
//   back on the same form after logging in again, ready to save: it is never sent by itself;
// - leaving a page with unsaved input asks first (beforeunload).
// Only the fields the user changed are kept (never hidden fields: the fresh page's version and CSRF token are
// used), in sessionStorage (this tab only), for at most two hours, and dropped at logout.
(function () {
  'use strict';
  var STASH = 'hk-keep';
  var RELOGIN = 'hk-keep-relogin';
  var MAX_AGE_MS = 2 * 3600 * 1000;
  var leaving = false;

  function texts() { return document.getElementById('form-keep') || document.createElement('div'); }
  function isLogin(form) { return /^\/log-(ind|ud)/.test(form.getAttribute('action') || ''); }
  function keepable(form) {
    return (form.getAttribute('method') || '').toLowerCase() === 'post' && !isLogin(form)
      && !form.hasAttribute('data-no-keep') && form.enctype !== 'multipart/form-data';
  }
  // Forms are known by their action and their place among the page's forms with the same action.
  function keyOf(form) {
    var action = form.getAttribute('action') || location.pathname;
    var same = Array.prototype.filter.call(document.forms, function (f) { return (f.getAttribute('action') || location.pathname) === action; });
    return action + '#' + same.indexOf(form);
  }
  function keepableForms() { return Array.prototype.filter.call(document.forms, keepable); }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== '_csrf' && !el.disabled && !/^(hidden|submit|button|reset|file|password)$/.test(el.type);
    });
  }

  /** The fields the user changed: name → value (radio: the checked value; checkboxes: the checked values). */
  function changed(form) {
    var out = {};
    var boxes = {};
    fields(form).forEach(function (el) {
      if (el.type === 'radio') {
        if (el.checked && !el.defaultChecked) out[el.name] = el.value;
      } else if (el.type === 'checkbox') {
        boxes[el.name] = boxes[el.name] || { changed: false, values: [] };
        if (el.checked !== el.defaultChecked) boxes[el.name].changed = true;
        if (el.checked) boxes[el.name].values.push(el.value);
      } else if (el.tagName === 'SELECT') {
        var moved = Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
        if (moved) out[el.name] = el.value;
      } else if (el.value !== el.defaultValue) {
        out[el.name] = el.value;
      }
    });
    Object.keys(boxes).forEach(function (name) { if (boxes[name].changed) out[name] = boxes[name].values; });
    return out;
  }

  function anyChanged() {
    return keepableForms().some(function (f) { return Object.keys(changed(f)).length > 0; });
  }

  function save(submitted) {
    var forms = {};
    keepableForms().forEach(function (f) {
      var c = changed(f);
      if (Object.keys(c).length) forms[keyOf(f)] = c;
    });
    try {
      if (Object.keys(forms).length === 0) sessionStorage.removeItem(STASH);
      else sessionStorage.setItem(STASH, JSON.stringify({ path: location.pathname, submitted: keyOf(submitted), at: Date.now(), forms: forms }));
    } catch (e) { /* storage full or off: the page works as without this file */ }
  }

  function setValue(form, name, value) {
    var els = Array.prototype.filter.call(form.elements, function (el) { return el.name === name && el.type !== 'hidden'; });
    els.forEach(function (el) {
      if (el.type === 'radio') el.checked = el.value === value;
      else if (el.type === 'checkbox') el.checked = Array.isArray(value) && value.indexOf(el.value) >= 0;
      else el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    return els.length > 0;
  }

  function note(form, text) {
    var box = document.createElement('div');
    box.className = 'alert alert-info form-keep-note';
    box.setAttribute('role', 'status');
    box.innerHTML = '<div class="alert-body"><p class="alert-text"></p></div>';
    box.querySelector('p').textContent = text;
    form.insertBefore(box, form.firstChild);
    var details = form.closest('details');
    if (details) details.open = true;
  }

  function read() {
    try { return JSON.parse(sessionStorage.getItem(STASH) || 'null'); } catch (e) { return null; }
  }

  function restore() {
    var stash = read();
    if (!stash) return;
    var loginForm = document.querySelector('form[action="/log-ind"]');
    if (loginForm) {
      // Waiting for the login: everything kept comes back on the form it was typed in.
      sessionStorage.setItem(RELOGIN, '1');
      note(loginForm, texts().getAttribute('data-waiting'));
      return;
    }
    var relogin = sessionStorage.getItem(RELOGIN) === '1';
    sessionStorage.removeItem(STASH);
    sessionStorage.removeItem(RELOGIN);
    if (stash.path !== location.pathname || Date.now() - stash.at > MAX_AGE_MS) return;
    keepableForms().forEach(function (form) {
      var key = keyOf(form);
      var values = stash.forms[key];
      // The form that was sent has the server's answer (saved, or shown again with the input): unless it never
      // reached a logged-in server.
      if (!values || (key === stash.submitted && !relogin)) return;
      var any = false;
      Object.keys(values).forEach(function (name) { if (setValue(form, name, values[name])) any = true; });
      if (any) note(form, texts().getAttribute('data-restored'));
    });
  }

  function init() {
    restore();
    document.addEventListener('submit', function (e) {
      if (e.defaultPrevented) return;
      var form = e.target;
      if ((form.getAttribute('action') || '') === '/log-ud') {
        sessionStorage.removeItem(STASH);
        sessionStorage.removeItem(RELOGIN);
      } else if (keepable(form)) {
        save(form);
      }
      leaving = true;
    });
    document.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a[data-discard]');
      if (a) leaving = true;
    });
    window.addEventListener('beforeunload', function (e) {
      if (leaving || !anyChanged()) return undefined;
      e.preventDefault();
      e.returnValue = '';
      return '';
    });
    window.addEventListener('pageshow', function () { leaving = false; });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
