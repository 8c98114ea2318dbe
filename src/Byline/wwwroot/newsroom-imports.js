// Imports page: while a job is queued or running, ask /newsroom/imports/status once a second and update its
// row (state, progress element and text, counts, rate, time left); when one ends, reload for its buttons.
(function () {
  'use strict';
  var table = document.querySelector('[data-import-jobs]');
  if (!table) { return; }
  function active() { return table.querySelector('tr[data-active="true"]') !== null; }
  if (!active()) { return; }
  function set(row, selector, text) {
    var el = row.querySelector(selector);
    if (el && el.textContent !== text) { el.textContent = text; }
  }
  function tick() {
    fetch(table.getAttribute('data-status-url'), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var reload = false;
        data.jobs.forEach(function (job) {
          var row = table.querySelector('tr[data-job="' + job.id + '"]');
          if (!row) { reload = reload || job.active; return; }
          var was = row.getAttribute('data-active') === 'true';
          var progress = row.querySelector('[data-progress]');
          if (progress) {
            progress.max = Math.max(job.total, 1);
            progress.value = job.processed;
            progress.textContent = job.progressText;
          }
          set(row, '[data-progress-text]', job.progressText);
          set(row, '[data-rate]', job.rateText);
          set(row, '[data-eta]', job.etaText);
          set(row, '[data-counts]', [job.created, job.updated, job.unchanged, job.skipped, job.redirects].join(' · '));
          row.setAttribute('data-state', job.state);
          var stateCell = row.querySelector('[data-state-text]');
          if (stateCell && stateCell.firstChild && stateCell.firstChild.nodeType === 3) { stateCell.firstChild.textContent = job.stateText + ' '; }
          if (was && !job.active) { reload = true; }
        });
        if (reload) { window.location.reload(); return; }
        if (active()) { window.setTimeout(tick, 1000); }
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
