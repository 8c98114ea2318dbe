// Working together on a story: who else has it open (presence), who is editing it (the soft lock),
// and what this page does when someone else takes it over. A heartbeat every few seconds asks the
// server, which answers from the database, so every node sees the same people. Without script the
// page still shows the lock at load and its Take over button.
(function () {
  'use strict';
  var form = document.getElementById('story-form');
  var root = form && form.closest('.story-editor');
  if (!root) { return; }
  var BEAT_MS = 5000;
  var presence = root.querySelector('[data-presence]');
  var banner = root.querySelector('[data-lock-banner]');
  var bannerText = banner && banner.querySelector('[data-lock-text]');
  var fields = form.querySelector('fieldset.story-fields');
  var tokenField = form.querySelector('input[name="__RequestVerificationToken"]');
  if (!presence || !banner || !fields || !tokenField) { return; }
  var canEdit = !fields.disabled;
  // Opened read-only because someone else holds the story (the server says "true" or "false").
  var frozen = fields.getAttribute('data-locked') === 'true';
  var typed = false;
  var timer = null;

  function storyBase() { return '/newsroom/stories/' + root.getAttribute('data-story-id'); }
  function send(handler, data) {
    data.set('__RequestVerificationToken', tokenField.value);
    return fetch(storyBase() + '?handler=' + handler, { method: 'POST', body: data, credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
  }

  function showPresence(others) {
    presence.hidden = others.length === 0;
    presence.setAttribute('data-people', others.map(function (o) { return o.name; }).join('|'));
    presence.textContent = others.length === 0 ? '' : 'Also open by: ' + others.map(function (o) { return o.name + (o.editing ? ' (editing)' : ''); }).join(', ');
  }
  function showBanner(text) {
    bannerText.textContent = text;
    banner.hidden = false;
  }
  // The block editor's writing surface is not a form control: the disabled fieldset does not reach it.
  function blockEditorReadOnly() {
    var be = window.BylineBlockEditor;
    if (be && be.editor && be.editor.setEditable) { be.editor.setEditable(false); }
  }
  // Read-only from now on: the fieldset switches off every input and button of the form, the block
  // editor stops taking text, and autosave stops (newsroom-editor.js listens for byline:lock-lost).
  function freeze(text) {
    frozen = true;
    fields.disabled = true;
    fields.setAttribute('data-locked', 'true');
    blockEditorReadOnly();
    showBanner(text);
  }
  // Someone else holds the story while this page has unsaved typing: the typing goes to the server,
  // which refuses to save it over their work and keeps it as a revision instead.
  function keepAndFreeze(holder) {
    var unsaved = new FormData(form);
    freeze(holder.name + ' is editing this story (since ' + holder.since + '). Keeping your text…');
    form.dispatchEvent(new CustomEvent('byline:lock-lost', { detail: { detail: '' } }));
    send('Autosave', unsaved).then(function (r) { return r.json(); }).then(function (problem) {
      var text = problem && problem.detail ? problem.detail : holder.name + ' is editing this story; press Take over to edit it.';
      showBanner(text);
      form.dispatchEvent(new CustomEvent('byline:lock-lost', { detail: { detail: text, keptRevision: problem && problem.keptRevision } }));
    }).catch(function () {
      showBanner(holder.name + ' is editing this story. Your text could not reach the server: it is kept in this browser.');
    });
  }

  function beat() {
    clearTimeout(timer);
    var data = new FormData();
    data.set('editing', typed && !frozen ? 'true' : 'false');
    send('Heartbeat', data).then(function (r) { return r.ok ? r.json() : null; }).then(function (state) {
      if (!state) { return; }
      showPresence(state.others || []);
      var holder = state.holder;
      if (holder && !state.mine && !frozen) {
        if (typed) { keepAndFreeze(holder); } else { freeze(holder.name + ' is editing (since ' + holder.since + '). You can read the story; take it over to edit it.'); }
      } else if (frozen && !holder) {
        showBanner('Nobody is editing the story now: take it over to edit it.');
      } else if (frozen && holder && !state.mine && bannerText.textContent.indexOf(holder.name) < 0) {
        showBanner(holder.name + ' is editing (since ' + holder.since + '). You can read the story; take it over to edit it.');
      }
    }).catch(function () { /* offline: the next beat tries again */ }).then(function () {
      timer = setTimeout(beat, BEAT_MS);
    });
  }

  // The first keystroke takes the lock at once (the next beat would be up to five seconds away).
  form.addEventListener('input', function () {
    if (!typed && canEdit && !frozen) { typed = true; beat(); }
  });
  // An autosave refused because someone else holds the story (newsroom-editor.js found out first).
  form.addEventListener('byline:lock-lost', function (ev) {
    if (ev.detail && ev.detail.detail) { freeze(ev.detail.detail); }
  });
  // block-editor.js is deferred after this script: a page that opened read-only (or froze before it
  // mounted) makes it non-editable once all deferred scripts have run.
  document.addEventListener('DOMContentLoaded', function () {
    if (fields.disabled) { blockEditorReadOnly(); }
  });
  window.addEventListener('pagehide', function () {
    var data = new FormData();
    data.set('__RequestVerificationToken', tokenField.value);
    if (navigator.sendBeacon) { navigator.sendBeacon(storyBase() + '?handler=Leave', data); }
  });
  beat();
})();
