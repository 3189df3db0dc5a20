// Course forms, progressive enhancement only: fields whose *when* condition fails are hidden (or, when they hold
// a value, shown disabled so the server can offer "Ryd disse felter"). Without this file every field is shown and
// the server answers the rule. The conditions come from the dictionary as data-when on each field.
(function () {
  'use strict';

  function currentValue(wrapper) {
    var radios = wrapper.querySelectorAll('input[type=radio]');
    if (radios.length) {
      for (var i = 0; i < radios.length; i++) if (radios[i].checked) return radios[i].value.trim();
      return '';
    }
    var input = wrapper.querySelector('input:not([type=hidden]), select, textarea');
    return input ? input.value.trim() : '';
  }

  function clauseTest(clause, value) {
    var v = value(clause.on[0]);
    if (clause.codes) return clause.codes.indexOf(v) >= 0;
    if (clause.given) return v !== '';
    if (clause.absent) return v === '';
    return clause.on.some(function (name) {
      var s = value(name);
      return /^\d+$/.test(s) && Number(s) >= clause.atLeast;
    });
  }

  // Mirrors server/courses/rules/applicability.ts: a clause on a registered controller that does not apply fails.
  function applicability(form, wrappers) {
    var values = {};
    var app = {};
    function value(name) { return values[name] === undefined ? '' : values[name]; }
    wrappers.forEach(function (w) {
      var name = w.getAttribute('data-variable');
      values[name] = form.contains(w) ? currentValue(w) : (w.getAttribute('data-stored') || '');
      var clauses = JSON.parse(w.getAttribute('data-when') || '[]');
      app[name] = clauses.every(function (c) {
        return clauseTest(c, value) && (c.absent || c.on.every(function (o) { return value(o) === '' || app[o] !== false; }));
      });
    });
    return { app: app, values: values };
  }

  function setEnabled(wrapper, enabled) {
    var inputs = wrapper.querySelectorAll('input, select, textarea');
    for (var i = 0; i < inputs.length; i++) inputs[i].disabled = !enabled;
  }

  function update(form, wrappers) {
    var r = applicability(form, wrappers);
    var visible = 0;
    wrappers.forEach(function (w) {
      if (!form.contains(w)) return;
      var name = w.getAttribute('data-variable');
      var applies = r.app[name];
      var keep = applies || r.values[name] !== '' || w.classList.contains('form-error');
      w.hidden = !keep;
      w.classList.toggle('course-field-inapplicable', !applies && keep);
      setEnabled(w, applies || w.classList.contains('form-error'));
      if (keep) visible++;
    });
    var section = form.closest('section');
    var waits = section && section.querySelector('[data-waits]');
    if (waits) waits.hidden = visible > 0;
    var actions = form.querySelector('.course-form-actions');
    if (actions) actions.hidden = visible === 0;
  }

  // A link to a section or field (side menu, error summary, missing list) opens its folded section.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    var details = el.closest('details') || el.querySelector('details');
    if (details && !details.open) {
      details.open = true;
      el.scrollIntoView();
    }
  }

  function init() {
    openTarget();
    window.addEventListener('hashchange', openTarget);
    var wrappers = Array.prototype.slice.call(document.querySelectorAll('.course-field[data-variable]'));
    var forms = Array.prototype.slice.call(document.querySelectorAll('form.course-form'));
    forms.forEach(function (form) {
      var run = function () { update(form, wrappers); };
      form.addEventListener('input', run);
      form.addEventListener('change', run);
      run();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
