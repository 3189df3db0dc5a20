// Draws the pathway page's charts (funnel of stages, comparison, trend) from the JSON in each <canvas data-pathway-chart>.
// The page renders the same numbers as a table beside every chart; without this file nothing but the picture is lost.
(function () {
  'use strict';
  if (!window.Chart) return;

  var COLOURS = { bar: '#00509f', lost: '#b3261e', open: '#b07d00', ci: 'rgba(90, 90, 90, 0.22)', ciSelected: 'rgba(0, 80, 160, 0.35)',
    point: '#5a6f85', selected: '#00509f', p1: '#00509f', p2: '#1b6e2f' };

  function percent(value, decimals, lang) {
    if (value === null || value === undefined) return '';
    var text = (value * 100).toFixed(decimals);
    return (lang === 'da' ? text.replace('.', ',') : text) + ' %';
  }

  function percentAxis(lang) {
    return { min: 0, max: 1, ticks: { stepSize: 0.1, callback: function (v) { return percent(v, 0, lang); } } };
  }

  function stages(spec) {
    return {
      type: 'bar',
      data: {
        labels: spec.points.map(function (p) { return p.label; }),
        datasets: [{ label: spec.title, data: spec.points.map(function (p) { return p.count; }),
          backgroundColor: spec.points.map(function (p) { return COLOURS[p.stage] || COLOURS.bar; }) }],
      },
      options: {
        indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) {
          var p = spec.points[item.dataIndex];
          if (p.count === null) return spec.fewData;
          return p.count + (p.result ? ' · ' + p.result + ' ' + (p.value === null ? spec.fewData : percent(p.value, 1, spec.lang)) : '');
        } } } },
      },
    };
  }

  function comparison(spec, canvas) {
    canvas.parentNode.style.height = Math.max(220, 60 + 30 * spec.points.length) + 'px';
    return {
      type: 'bar',
      data: {
        labels: spec.points.map(function (p) { return p.label; }),
        datasets: [
          { type: 'bar', label: spec.texts.ci, order: 2, data: spec.points.map(function (p) { return p.low === null ? null : [p.low, p.high]; }),
            backgroundColor: spec.points.map(function (p) { return p.selected ? COLOURS.ciSelected : COLOURS.ci; }), barPercentage: 0.7 },
          { type: 'line', label: spec.texts.value, order: 1, showLine: false, data: spec.points.map(function (p) { return p.value; }),
            pointRadius: spec.points.map(function (p) { return p.selected ? 7 : 5; }),
            pointBackgroundColor: spec.points.map(function (p) { return p.selected ? COLOURS.selected : COLOURS.point; }), borderColor: COLOURS.point },
        ],
      },
      options: {
        indexAxis: 'y', scales: { x: percentAxis(spec.lang), y: { ticks: { autoSkip: false } } },
        plugins: { tooltip: { callbacks: { label: function (item) {
          var p = spec.points[item.dataIndex];
          if (p.value === null) return spec.texts.fewData;
          return item.datasetIndex === 0 ? spec.texts.ci + ': ' + percent(p.low, 1, spec.lang) + ' – ' + percent(p.high, 1, spec.lang)
            : spec.texts.value + ': ' + percent(p.value, 1, spec.lang);
        } } } },
      },
    };
  }

  function trend(spec) {
    return {
      type: 'line',
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          var colour = i === 0 ? COLOURS.p1 : COLOURS.p2;
          return { label: s.label, data: s.values, borderColor: colour, backgroundColor: colour, spanGaps: false,
            pointStyle: i === 0 ? 'circle' : 'rectRot', pointRadius: 5, borderDash: i === 0 ? [] : [6, 4] };
        }),
      },
      options: {
        scales: { y: percentAxis(spec.lang) },
        plugins: { tooltip: { callbacks: { label: function (item) {
          var v = item.raw;
          return item.dataset.label + ': ' + (v === null || v === undefined ? spec.fewData : percent(v, 1, spec.lang));
        } } } },
      },
    };
  }

  var BUILDERS = { 'pathway-stages': stages, 'pathway-comparison': comparison, 'pathway-trend': trend };

  function draw(canvas) {
    var spec;
    try { spec = JSON.parse(canvas.getAttribute('data-pathway-chart')); } catch (e) { return; }
    var build = spec && BUILDERS[spec.kind];
    if (!build) return;
    var config = build(spec, canvas);
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    config.options.plugins.legend = Object.assign({ position: 'bottom', labels: { usePointStyle: true, padding: 16 } }, config.options.plugins.legend);
    new window.Chart(canvas, config);
    canvas.setAttribute('data-drawn', 'true');
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('canvas[data-pathway-chart]'), draw);
  });
})();
