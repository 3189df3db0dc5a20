// Draws the indicator charts from the JSON in each <canvas data-chart>. The server renders the same numbers
// as a table beside every chart, so a page without this file (or without JavaScript) loses nothing but the picture.
(function () {
  'use strict';
  if (!window.Chart) return;

  var COLOURS = {
    met: '#1b6e2f', not_met: '#b3261e', few_data: '#6b6b6b',
    ci: 'rgba(90, 90, 90, 0.22)', ciSelected: 'rgba(0, 80, 160, 0.35)', selected: '#00509f',
    standard: '#1f1f1f', limit95: '#8c8c8c', limit998: '#4d4d4d', p0: '#00509f',
    above: '#1b6e2f', below: '#b3261e', point: '#5a6f85', shrunk: '#7a4fa0', limitOd: '#7a4fa0',
    limit2: '#b07d00', limit3: '#b3261e', improved: '#1b6e2f',
  };

  function percent(value, decimals, lang) {
    if (value === null || value === undefined) return '';
    var text = (value * 100).toFixed(decimals);
    return (lang === 'da' ? text.replace('.', ',') : text) + ' %';
  }

  // A dashed line at the standard across the whole plot, labelled, on the value axis.
  var standardLine = {
    id: 'hkStandardLine',
    afterDatasetsDraw: function (chart, _args, opts) {
      if (opts.value === null || opts.value === undefined) return;
      var area = chart.chartArea, ctx = chart.ctx, horizontal = opts.axis === 'x';
      var scale = chart.scales[horizontal ? 'x' : 'y'];
      var at = scale.getPixelForValue(opts.value);
      ctx.save();
      ctx.strokeStyle = COLOURS.standard;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      if (horizontal) { ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom); } else { ctx.moveTo(area.left, at); ctx.lineTo(area.right, at); }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = COLOURS.standard;
      ctx.font = '600 12px "IBM Plex Sans", Arial, sans-serif';
      ctx.textBaseline = 'bottom';
      ctx.textAlign = horizontal ? 'left' : 'right';
      if (horizontal) ctx.fillText(opts.label, at + 4, area.top + 14); else ctx.fillText(opts.label, area.right - 4, at - 3);
      ctx.restore();
    },
  };

  // Names beside the funnel plot's outliers and the selected municipality, so the plot reads without hovering.
  var pointLabels = {
    id: 'hkPointLabels',
    afterDatasetsDraw: function (chart, _args, opts) {
      if (opts.datasetIndex === undefined) return;
      var meta = chart.getDatasetMeta(opts.datasetIndex), data = chart.data.datasets[opts.datasetIndex].data, ctx = chart.ctx;
      ctx.save();
      ctx.font = '600 12px "IBM Plex Sans", Arial, sans-serif';
      ctx.textBaseline = 'middle';
      meta.data.forEach(function (el, i) {
        var p = data[i];
        if (!p.outlier && !p.selected) return;
        ctx.fillStyle = p.selected ? COLOURS.selected : COLOURS[p.outlier];
        var right = el.x > chart.chartArea.right - 120;
        ctx.textAlign = right ? 'right' : 'left';
        ctx.fillText(p.label, el.x + (right ? -10 : 10), el.y);
      });
      ctx.restore();
    },
  };

  function percentAxis(lang, title) {
    return { min: 0, max: 1, title: { display: !!title, text: title }, ticks: { stepSize: 0.1, callback: function (v) { return percent(v, 0, lang); } } };
  }

  function intervalTooltip(spec) {
    return {
      callbacks: {
        label: function (item) {
          var p = spec.points[item.dataIndex];
          if (item.dataset.hkRole === 'ci') return spec.texts.ci + ': ' + percent(p.low, 1, spec.lang) + ' – ' + percent(p.high, 1, spec.lang);
          if (item.dataset.hkRole === 'standard') return spec.texts.standard + ': ' + percent(item.raw, 0, spec.lang);
          if (item.dataset.hkRole === 'shrunk') return spec.texts.shrunk + ': ' + percent(p.shrunk, 1, spec.lang);
          if (p.value === null) return spec.texts.fewData;
          return spec.texts.value + ': ' + percent(p.value, 1, spec.lang);
        },
      },
    };
  }

  function intervalDatasets(spec, horizontal) {
    return [
      {
        type: 'bar', hkRole: 'ci', label: spec.texts.ci, order: 2,
        data: spec.points.map(function (p) { return p.low === null ? null : [p.low, p.high]; }),
        backgroundColor: spec.points.map(function (p) { return p.selected ? COLOURS.ciSelected : COLOURS.ci; }),
        barPercentage: horizontal ? 0.7 : 0.45, categoryPercentage: 0.9, pointStyle: 'rect',
      },
      {
        type: 'line', hkRole: 'value', label: spec.texts.value, order: 1, showLine: !horizontal,
        data: spec.points.map(function (p) { return p.value; }),
        borderColor: COLOURS.point, borderWidth: 2,
        pointRadius: spec.points.map(function (p) { return p.selected ? 7 : 5; }),
        pointStyle: spec.points.map(function (p) { return p.status === 'not_met' ? 'rectRot' : 'circle'; }),
        pointBackgroundColor: spec.points.map(function (p) { return p.selected ? COLOURS.selected : COLOURS[p.status]; }),
        pointBorderColor: '#fff', pointBorderWidth: 1.5,
      },
    ];
  }

  // The fair comparison: each unit's shrunk value as a hollow diamond beside its raw value.
  function shrunkDataset(spec) {
    return {
      type: 'line', hkRole: 'shrunk', label: spec.texts.shrunk, order: 0, showLine: false,
      data: spec.points.map(function (p) { return p.shrunk; }),
      pointStyle: 'rectRot', pointRadius: 6, pointBorderWidth: 2, borderColor: COLOURS.shrunk, backgroundColor: '#fff',
      pointBackgroundColor: '#fff', pointBorderColor: COLOURS.shrunk,
    };
  }

  function comparisonConfig(spec, canvas) {
    canvas.parentNode.style.height = Math.max(220, 60 + 30 * spec.points.length) + 'px';
    var datasets = intervalDatasets(spec, true);
    if (spec.withShrunk) datasets.push(shrunkDataset(spec));
    return {
      data: { labels: spec.points.map(function (p) { return p.label; }), datasets: datasets },
      options: {
        indexAxis: 'y',
        scales: {
          x: percentAxis(spec.lang), y: {
            ticks: { autoSkip: false, font: function (c) { var p = spec.points[c.index]; return { weight: p && p.selected ? '700' : '400' }; } },
          },
        },
        plugins: { hkStandardLine: { value: spec.standard, axis: 'x', label: spec.texts.standard + ' ' + percent(spec.standard, 0, spec.lang) }, tooltip: intervalTooltip(spec) },
      },
    };
  }

  function trendConfig(spec) {
    var datasets = intervalDatasets(spec, false);
    datasets.push({
      type: 'line', hkRole: 'standard', label: spec.texts.standard, order: 0, stepped: 'middle',
      data: spec.points.map(function (p) { return p.standard; }),
      borderColor: COLOURS.standard, borderDash: [6, 4], borderWidth: 2, pointRadius: 0, pointStyle: 'line',
    });
    return {
      data: { labels: spec.points.map(function (p) { return p.label; }), datasets: datasets },
      options: { scales: { y: percentAxis(spec.lang) }, plugins: { tooltip: intervalTooltip(spec) } },
    };
  }

  function curve(spec, key, label, colour, dash, hideInLegend) {
    return {
      type: 'line', label: label, hkHideInLegend: hideInLegend, data: spec.curves.map(function (c) { return { x: c.n, y: c[key] }; }),
      borderColor: colour, borderDash: dash, borderWidth: 1.5, pointRadius: 0, pointStyle: 'line', tension: 0.2, order: 3,
    };
  }

  function funnelConfig(spec) {
    var maxN = spec.curves.length ? spec.curves[spec.curves.length - 1].n : 10;
    var datasets = [
      curve(spec, 'high998', spec.texts.limit998, COLOURS.limit998, [6, 4], false),
      curve(spec, 'low998', spec.texts.limit998, COLOURS.limit998, [6, 4], true),
      curve(spec, 'high95', spec.texts.limit95, COLOURS.limit95, [], false),
      curve(spec, 'low95', spec.texts.limit95, COLOURS.limit95, [], true),
      curve(spec, 'high998od', spec.texts.limit998od, COLOURS.limitOd, [2, 3], false),
      curve(spec, 'low998od', spec.texts.limit998od, COLOURS.limitOd, [2, 3], true),
    ];
    if (spec.p0 !== null) {
      datasets.push({ type: 'line', label: spec.texts.p0 + ' ' + percent(spec.p0, 1, spec.lang), data: [{ x: 0, y: spec.p0 }, { x: maxN, y: spec.p0 }], borderColor: COLOURS.p0, borderWidth: 1.5, pointRadius: 0, pointStyle: 'line', order: 3 });
    }
    var pointsIndex = datasets.length;
    datasets.push({
      type: 'scatter', label: spec.texts.value, order: 1,
      data: spec.points.map(function (p) { return { x: p.n, y: p.value, label: p.label, outlier: p.outlier, selected: p.selected }; }),
      pointRadius: spec.points.map(function (p) { return p.selected ? 8 : p.outlier ? 7 : 5; }),
      pointStyle: spec.points.map(function (p) { return p.outlier === 'above' ? 'triangle' : p.outlier === 'below' ? 'rectRot' : 'circle'; }),
      pointBackgroundColor: spec.points.map(function (p) { return p.selected ? COLOURS.selected : p.outlier ? COLOURS[p.outlier] : COLOURS.point; }),
      pointBorderColor: '#fff', pointBorderWidth: 1.5,
    });
    return {
      data: { datasets: datasets },
      options: {
        scales: {
          x: { type: 'linear', min: 0, max: maxN, title: { display: true, text: spec.texts.denominator } },
          y: percentAxis(spec.lang, spec.texts.value),
        },
        plugins: {
          hkStandardLine: { value: spec.standard, axis: 'y', label: spec.texts.standard + ' ' + percent(spec.standard, 0, spec.lang) },
          hkPointLabels: { datasetIndex: pointsIndex },
          legend: { labels: { filter: function (item, data) { return !data.datasets[item.datasetIndex].hkHideInLegend; } } },
          tooltip: {
            filter: function (item) { return item.datasetIndex === pointsIndex; },
            callbacks: {
              label: function (item) {
                var p = item.raw, text = p.label + ': ' + percent(p.y, 1, spec.lang) + ' (n = ' + p.x + ')';
                return p.outlier ? text + ' – ' + (p.outlier === 'above' ? spec.texts.outlierAbove : spec.texts.outlierBelow) : text;
              },
            },
          },
        },
      },
    };
  }

  function limitLine(spec, key, label, colour, dash, hideInLegend) {
    return {
      type: 'line', label: label, hkHideInLegend: hideInLegend, stepped: 'middle', spanGaps: false, order: 3,
      data: spec.points.map(function (p) { return p[key]; }),
      borderColor: colour, borderDash: dash, borderWidth: 1.5, pointRadius: 0, pointStyle: 'line',
    };
  }

  // The early-warning p-chart: value per quarter, centre line, 2σ and 3σ limits; signals marked and named.
  function pchartConfig(spec) {
    var warning = function (p) { return p.signal === 'outside_3sigma' || p.signal === 'two_of_three_2sigma'; };
    var datasets = [
      limitLine(spec, 'ucl3', spec.texts.limit3, COLOURS.limit3, [6, 4], false),
      limitLine(spec, 'lcl3', spec.texts.limit3, COLOURS.limit3, [6, 4], true),
      limitLine(spec, 'ucl2', spec.texts.limit2, COLOURS.limit2, [2, 3], false),
      limitLine(spec, 'lcl2', spec.texts.limit2, COLOURS.limit2, [2, 3], true),
      { type: 'line', label: spec.texts.pBar, data: spec.points.map(function (p) { return p.pBar; }), borderColor: COLOURS.p0, borderWidth: 1.5, pointRadius: 0, pointStyle: 'line', order: 3 },
      {
        type: 'line', hkRole: 'value', label: spec.texts.value, order: 1, spanGaps: true,
        data: spec.points.map(function (p) { return p.value; }),
        borderColor: COLOURS.point, borderWidth: 2,
        pointRadius: spec.points.map(function (p) { return p.signal ? 8 : 5; }),
        pointStyle: spec.points.map(function (p) { return warning(p) ? 'rectRot' : p.signal ? 'triangle' : 'circle'; }),
        pointBackgroundColor: spec.points.map(function (p) { return warning(p) ? COLOURS.below : p.signal ? COLOURS.improved : p.baseline ? COLOURS.few_data : COLOURS.point; }),
        pointBorderColor: '#fff', pointBorderWidth: 1.5,
      },
    ];
    return {
      data: { labels: spec.points.map(function (p) { return p.label; }), datasets: datasets },
      options: {
        scales: { y: percentAxis(spec.lang) },
        plugins: {
          legend: { labels: { filter: function (item, data) { return !data.datasets[item.datasetIndex].hkHideInLegend; } } },
          tooltip: {
            filter: function (item) { return item.dataset.hkRole === 'value'; },
            callbacks: {
              label: function (item) {
                var p = spec.points[item.dataIndex];
                var text = spec.texts.value + ': ' + percent(p.value, 1, spec.lang);
                return p.signal ? text + ' – ' + spec.texts.signals[p.signal] : text;
              },
            },
          },
        },
      },
    };
  }

  var BUILDERS = { comparison: comparisonConfig, trend: trendConfig, funnel: funnelConfig, pchart: pchartConfig };

  function draw(canvas) {
    var spec;
    try { spec = JSON.parse(canvas.getAttribute('data-chart')); } catch (e) { return; }
    var build = spec && BUILDERS[spec.kind];
    if (!build) return;
    var config = build(spec, canvas);
    config.type = config.type || 'bar';
    config.plugins = [standardLine, pointLabels];
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    if (spec.subtitle) config.options.plugins.subtitle = { display: true, text: spec.subtitle, color: spec.alert ? COLOURS.below : COLOURS.standard, font: { weight: '600', size: 13 }, padding: { bottom: 8 } };
    config.options.plugins.legend = config.options.plugins.legend || {};
    config.options.plugins.legend.position = 'bottom';
    config.options.plugins.legend.labels = Object.assign({ usePointStyle: true, padding: 16 }, config.options.plugins.legend.labels);
    new window.Chart(canvas, config);
    canvas.setAttribute('data-drawn', 'true');
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('canvas[data-chart]'), draw);
  });
})();
