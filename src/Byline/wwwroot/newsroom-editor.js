// The story editor: Markdown toolbar, server-rendered live preview, autosave, paste cleaning,
// tag suggestions and the media picker. The form works without it; this only adds comfort.
(function () {
  'use strict';
  var form = document.getElementById('story-form');
  if (!form) { return; }
  var body = document.getElementById('story-body');
  var preview = document.getElementById('story-preview');
  var version = document.getElementById('story-version');
  var status = document.getElementById('autosave-status');
  var storyId = form.closest('.story-editor').getAttribute('data-story-id');
  var base = form.getAttribute('action');
  var AUTOSAVE_MS = 5000;

  function post(handler) {
    return fetch(base + '?handler=' + handler, {
      method: 'POST', body: new FormData(form), credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    });
  }

  // ---- live preview (the server renders and sanitises; the preview is the real output) ----
  var previewTimer = null;
  function refreshPreview() {
    post('Preview').then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      preview.innerHTML = data.html;
      document.getElementById('word-count').textContent = data.words;
      document.getElementById('reading-time').textContent = data.minutes;
    }).catch(function () { /* offline: the next keystroke tries again */ });
  }
  function schedulePreview() { clearTimeout(previewTimer); previewTimer = setTimeout(refreshPreview, 350); }
  body.addEventListener('input', schedulePreview);
  refreshPreview();

  // ---- toolbar ----
  function surround(before, after, placeholder) {
    var s = body.selectionStart, e = body.selectionEnd, text = body.value.slice(s, e) || placeholder;
    body.setRangeText(before + text + after, s, e, 'end');
    body.focus();
    body.dispatchEvent(new Event('input'));
  }
  function prefixLines(prefix) {
    var s = body.value.lastIndexOf('\n', body.selectionStart - 1) + 1, e = body.selectionEnd;
    var block = body.value.slice(s, e) || 'Text';
    body.setRangeText(block.split('\n').map(function (l) { return prefix + l; }).join('\n'), s, e, 'end');
    body.focus();
    body.dispatchEvent(new Event('input'));
  }
  function insertBlock(text) {
    var s = body.selectionStart;
    var lead = s > 0 && body.value[s - 1] !== '\n' ? '\n\n' : '';
    body.setRangeText(lead + text + '\n\n', s, body.selectionEnd, 'end');
    body.focus();
    body.dispatchEvent(new Event('input'));
  }
  document.querySelectorAll('.md-toolbar [data-md]').forEach(function (b) {
    b.addEventListener('click', function () {
      switch (b.getAttribute('data-md')) {
        case 'bold': surround('**', '**', 'bold text'); break;
        case 'italic': surround('*', '*', 'italic text'); break;
        case 'heading': prefixLines('## '); break;
        case 'quote': prefixLines('> '); break;
        case 'list': prefixLines('- '); break;
        case 'link': {
          var url = window.prompt('Link to (https://…)');
          if (url) { surround('[', '](' + url.trim() + ')', 'link text'); }
          break;
        }
        case 'embed': {
          var embed = window.prompt('URL to embed (a post, a video…)');
          if (embed) { insertBlock('<' + embed.trim() + '>'); }
          break;
        }
        case 'image': openPicker('body'); break;
      }
    });
  });

  // ---- paste: rich text becomes Markdown, never raw HTML ----
  function toMarkdown(node) {
    var out = '';
    node.childNodes.forEach(function (n) {
      if (n.nodeType === 3) { out += n.nodeValue.replace(/\s+/g, ' '); return; }
      if (n.nodeType !== 1) { return; }
      var tag = n.tagName.toLowerCase(), inner = toMarkdown(n).trim();
      if (/^(script|style|head|meta|title|template|svg|iframe|object)$/.test(tag)) { return; }
      if (/^h[1-6]$/.test(tag)) { out += '\n\n## ' + inner + '\n\n'; }
      else if (tag === 'p' || tag === 'div' || tag === 'section' || tag === 'article') { out += '\n\n' + inner + '\n\n'; }
      else if (tag === 'br') { out += '\n'; }
      else if (tag === 'strong' || tag === 'b') { out += inner ? '**' + inner + '**' : ''; }
      else if (tag === 'em' || tag === 'i') { out += inner ? '*' + inner + '*' : ''; }
      else if (tag === 'a') {
        var href = n.getAttribute('href') || '';
        out += /^(https?:|mailto:)/i.test(href) ? '[' + inner + '](' + href + ')' : inner;
      }
      else if (tag === 'li') { out += '\n- ' + inner; }
      else if (tag === 'ul' || tag === 'ol') { out += '\n' + toMarkdown(n) + '\n\n'; }
      else if (tag === 'blockquote') { out += '\n\n' + inner.split('\n').map(function (l) { return '> ' + l; }).join('\n') + '\n\n'; }
      else { out += toMarkdown(n); }
    });
    return out;
  }
  body.addEventListener('paste', function (ev) {
    var data = ev.clipboardData;
    if (!data) { return; }
    var html = data.getData('text/html');
    // Style sheets dropped and handler and style attributes renamed before parsing: Chromium reports (and
    // blocks) them even in an inert document.
    var defused = html ? html.replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, '').replace(/<[^>]*>/g, function (tag) {
      return tag.replace(/([\s/"'])(on[a-z]+|style)(\s*=)/gi, '$1data-dropped-$2$3');
    }) : '';
    var text = html ? toMarkdown(new DOMParser().parseFromString(defused, 'text/html').body) : data.getData('text/plain');
    ev.preventDefault();
    text = text.replace(/\n{3,}/g, '\n\n').replace(/^\s+|\s+$/g, '');
    body.setRangeText(text, body.selectionStart, body.selectionEnd, 'end');
    body.dispatchEvent(new Event('input'));
  });

  // ---- slug from headline, until the slug is edited by hand ----
  var headline = form.querySelector('[data-slug-source]');
  var slug = form.querySelector('input[data-slug]');
  function slugify(s) {
    return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/['’]/g, '')
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
  }
  // data-slug-auto is "on" only for a new story whose slug is still empty (Razor writes a data-* attribute even
  // when its value is null, so the value is read, never its presence).
  if (headline && slug && slug.getAttribute('data-slug-auto') === 'on') {
    headline.addEventListener('input', function () { if (slug.getAttribute('data-slug-auto') === 'on') { slug.value = slugify(headline.value); } });
    slug.addEventListener('input', function () { slug.setAttribute('data-slug-auto', 'off'); });
  }

  // ---- tag suggestions ----
  var tags = form.querySelector('[data-tags]');
  var list = document.getElementById('tag-suggestions');
  var tagTimer = null;
  if (tags && list) {
    tags.addEventListener('input', function () {
      clearTimeout(tagTimer);
      tagTimer = setTimeout(function () {
        var parts = tags.value.split(','), last = parts.pop().trim();
        var head = parts.map(function (p) { return p.trim(); }).filter(Boolean);
        if (last.length < 2) { list.innerHTML = ''; return; }
        fetch('/newsroom/api/tags?q=' + encodeURIComponent(last), { credentials: 'same-origin' })
          .then(function (r) {
        if (!r.ok) { throw new Error('the library answered ' + r.status); }
        return r.json();
      })
          .then(function (found) {
            list.innerHTML = '';
            found.forEach(function (t) {
              var o = document.createElement('option');
              o.value = head.concat([t.name]).join(', ');
              o.label = t.name;
              list.appendChild(o);
            });
          });
      }, 200);
    });
  }

  // ---- media picker: lead image, or a picture in the body ----
  var dialog = document.getElementById('media-picker');
  var results = document.getElementById('media-results');
  var search = document.getElementById('media-search');
  var pickMode = 'lead';
  var pickButton = null;
  // Each search is numbered: an answer that arrives after a newer search was sent is dropped, so the list
  // never changes under the pointer to an older result. #media-results says which search it shows (data-query).
  var mediaRequest = 0;
  function loadMedia() {
    var query = search.value || '';
    var request = ++mediaRequest;
    results.setAttribute('aria-busy', 'true');
    fetch('/newsroom/api/media?q=' + encodeURIComponent(query), { credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) { throw new Error('the library answered ' + r.status); }
        return r.json();
      })
      .then(function (items) {
        if (request !== mediaRequest) { return; }
        results.removeAttribute('aria-busy');
        results.setAttribute('data-query', query);
        results.innerHTML = '';
        if (items.length === 0) { results.textContent = 'No pictures found.'; }
        items.forEach(function (i) {
          var b = document.createElement('button');
          b.type = 'button';
          b.className = 'media-choice';
          b.setAttribute('data-image-id', i.id);
          var img = document.createElement('img');
          img.src = i.thumb; img.alt = i.alt; img.width = 160;
          var cap = document.createElement('span');
          cap.textContent = i.alt || i.caption || ('#' + i.id);
          b.appendChild(img); b.appendChild(cap);
          b.addEventListener('click', function () { choose(i); });
          results.appendChild(b);
        });
      })
      .catch(function (e) {
        // A failed search (offline, signed out, a server error) says so instead of staying busy.
        if (request !== mediaRequest) { return; }
        results.removeAttribute('aria-busy');
        results.setAttribute('data-query', query);
        results.textContent = 'The pictures could not be loaded (' + (e && e.message ? e.message : 'no connection') +
          '). Check the connection, then search again.';
      });
  }
  function setIfEmpty(name, value) {
    var f = form.querySelector('[name="' + name + '"]');
    if (f && !f.value && value) { f.value = value; }
  }
  function choose(i) {
    if (pickMode === 'lead') {
      document.getElementById('lead-image-id').value = i.id;
      var p = document.getElementById('lead-image-preview');
      p.innerHTML = '';
      var img = document.createElement('img');
      img.src = i.thumb; img.alt = i.alt; img.width = 240;
      p.appendChild(img);
      setIfEmpty('Form.LeadImageAlt', i.alt);
      setIfEmpty('Form.LeadImageCaption', i.caption);
      setIfEmpty('Form.LeadImageCredit', i.credit);
    } else if (pickMode === 'body') {
      // The block editor (block-editor.js), when it is showing, takes the picture as a block.
      if (!(window.BylineBlockEditor && window.BylineBlockEditor.insertImage(i))) {
        insertBlock('![' + (i.alt || '').replace(/[\[\]]/g, '') + '](' + i.src + ')');
      }
    } else if (pickButton) {
      // Any other data-pick value (a slide, a show's artwork…) is told through an event on its button,
      // so each format's own script fills its own fields.
      pickButton.dispatchEvent(new CustomEvent('byline:media-picked', { bubbles: true, detail: i }));
    }
    dialog.close();
  }
  function openPicker(mode) {
    pickMode = mode;
    loadMedia();
    if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute('open', ''); }
  }
  var searchTimer = null;
  search.addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(loadMedia, 250); });
  // Delegated, so that buttons added later (a new slide row) open the picker too.
  form.addEventListener('click', function (ev) {
    var b = ev.target.closest ? ev.target.closest('[data-pick]') : null;
    if (!b) { return; }
    pickButton = b;
    openPicker(b.getAttribute('data-pick') || 'lead');
  });
  form.querySelectorAll('[data-clear-lead]').forEach(function (b) {
    b.addEventListener('click', function () {
      document.getElementById('lead-image-id').value = '';
      document.getElementById('lead-image-preview').innerHTML = '';
    });
  });

  // ---- local copy: what is typed is kept in this browser until the server has it ----
  // Offered back after a crash, a closed tab or a lost connection; dropped once the server holds
  // the same text (an autosave, or a page loaded with it).
  var COPY_FIELDS = ['Form.Headline', 'Form.Standfirst', 'Form.Body'];
  var copyPrefix = 'byline:story-copy:';
  var formatField = form.querySelector('[name="Form.Format"]');
  function copyKey() { return copyPrefix + (storyId === 'new' ? 'new:' + (formatField ? formatField.value : '') : storyId); }
  function fieldsNow() {
    var o = {};
    COPY_FIELDS.forEach(function (n) { var f = form.querySelector('[name="' + n + '"]'); if (f) { o[n] = f.value; } });
    return o;
  }
  function sameFields(a, b) { return COPY_FIELDS.every(function (n) { return (a[n] || '').replace(/\r\n/g, '\n') === (b[n] || '').replace(/\r\n/g, '\n'); }); }
  function readCopy(key) { try { return JSON.parse(window.localStorage.getItem(key) || 'null'); } catch (e) { return null; } }
  function dropCopy(key) { try { window.localStorage.removeItem(key); } catch (e) { /* storage off */ } }
  function keepCopy() {
    try { window.localStorage.setItem(copyKey(), JSON.stringify({ fields: fieldsNow(), at: Date.now() })); } catch (e) { /* full or off: the server copy still stands */ }
  }
  var loaded = fieldsNow();
  var copyTimer = null;
  var readOnly = !!form.querySelector('fieldset[disabled]');
  form.addEventListener('input', function () { if (!readOnly) { clearTimeout(copyTimer); copyTimer = setTimeout(keepCopy, 300); } });
  (function offerCopy() {
    var key = copyKey(), copy = readCopy(key);
    if (storyId !== 'new') {
      // The new-story copy that became this story is done with.
      var fresh = readCopy(copyPrefix + 'new:' + (formatField ? formatField.value : ''));
      if (fresh && sameFields(fresh.fields || {}, loaded)) { dropCopy(copyPrefix + 'new:' + (formatField ? formatField.value : '')); }
    }
    if (!copy || !copy.fields) { return; }
    // A page opened read-only because someone else is editing keeps the copy for when it is editable again.
    if (form.querySelector('fieldset[data-locked="true"]')) { return; }
    if (readOnly || sameFields(copy.fields, loaded)) { dropCopy(key); return; }
    var box = document.createElement('div');
    box.className = 'local-copy';
    box.setAttribute('role', 'alert');
    box.setAttribute('data-local-copy', '');
    var text = document.createElement('span');
    text.textContent = 'This browser kept text you wrote at ' + new Date(copy.at).toLocaleString() + ' that is not saved on the server.';
    var restore = document.createElement('button');
    restore.type = 'button';
    restore.textContent = 'Restore it';
    restore.setAttribute('data-restore-copy', '');
    var discard = document.createElement('button');
    discard.type = 'button';
    discard.textContent = 'Discard it';
    discard.setAttribute('data-discard-copy', '');
    box.append(text, restore, discard);
    form.parentElement.insertBefore(box, form);
    restore.addEventListener('click', function () {
      COPY_FIELDS.forEach(function (n) {
        var f = form.querySelector('[name="' + n + '"]');
        if (f && typeof copy.fields[n] === 'string') {
          f.value = copy.fields[n];
          f.dispatchEvent(new Event('input', { bubbles: true }));
          if (f === body) { body.dispatchEvent(new Event('byline:body-replaced')); }
        }
      });
      box.remove();
      say('unsaved', 'Restored from this browser; not saved on the server yet.');
    });
    discard.addEventListener('click', function () { dropCopy(key); box.remove(); });
  })();

  // ---- autosave: same path as Save, with the version; a conflict stops it and says so ----
  // Its state is announced politely (role=status): saving, saved, offline, or why not.
  function say(state, text) {
    status.setAttribute('data-save-state', state);
    status.className = 'autosave-' + state;
    status.textContent = text;
  }
  var dirty = false, saving = false, stopped = false, submitting = false;
  form.addEventListener('input', function () {
    dirty = true;
    if (status.getAttribute('data-save-state') === 'saved') { say('unsaved', 'Changes not saved yet.'); }
  });
  // A Save or Publish pressed while an autosave is on its way waits for its answer, so the form posts
  // the version (and, for a new story, the address) that autosave just made: no false conflict, no
  // second story.
  var inflight = null;
  form.addEventListener('submit', function (ev) {
    if (inflight) {
      ev.preventDefault();
      var submitter = ev.submitter;
      inflight.then(function () { if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); } });
      return;
    }
    submitting = true;
  });
  // A new story becomes a draft at its first autosave, once it has a headline: the page then is
  // that story's page (its address, the form's target and the local copy's key follow).
  var headlineField = form.querySelector('[name="Form.Headline"]');
  function becomeDraft(id) {
    var oldKey = copyKey();
    storyId = String(id);
    base = '/newsroom/stories/' + storyId;
    form.setAttribute('action', base);
    form.closest('.story-editor').setAttribute('data-story-id', storyId);
    if (window.history && window.history.replaceState) { window.history.replaceState(null, '', base); }
    dropCopy(oldKey);
  }
  function autosave() {
    if (!dirty || saving || stopped || submitting || readOnly) { return; }
    if (storyId === 'new' && !(headlineField && headlineField.value.trim())) {
      if (status.getAttribute('data-save-state') !== 'needs-headline') {
        say('needs-headline', 'Give the story a headline and it is saved as a draft; until then your text is kept in this browser.');
      }
      return;
    }
    if (!navigator.onLine) { say('offline', 'Offline: your text is kept in this browser and saved when the connection is back.'); return; }
    saving = true;
    dirty = false;
    var sent = fieldsNow();
    say('saving', 'Saving…');
    inflight = post('Autosave').then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; }, function () { return { status: r.status, data: {} }; });
    }).then(function (res) {
      if (res.status === 200) {
        if (storyId === 'new' && res.data.id) { becomeDraft(res.data.id); }
        version.value = res.data.version;
        say('saved', 'Saved at ' + new Date().toLocaleTimeString());
        if (sameFields(sent, fieldsNow())) { dropCopy(copyKey()); }
      } else if (res.status === 409 && res.data.code === 'locked') {
        // Someone else is editing the story: the server kept this text as a revision (story-collab.js turns the page read-only).
        stopped = true;
        dirty = false;
        say('locked', res.data.detail || 'Someone else is editing this story; autosave has stopped.');
        form.dispatchEvent(new CustomEvent('byline:lock-lost', { detail: { detail: res.data.detail, keptRevision: res.data.keptRevision } }));
      } else if (res.status === 409) {
        stopped = true;
        say('conflict', 'Someone else saved this story. Autosave has stopped; press Save to compare your version with theirs.');
      } else if (res.status === 503) {
        dirty = true;
        say('failed', 'The newsroom cannot save right now (its database is not taking changes); your text is still here.');
      } else if (res.status === 400) {
        dirty = true;
        say('invalid', 'Not autosaved: fix the fields marked when you save.');
      } else {
        dirty = true;
        say('failed', 'Autosave failed; your text is still here and kept in this browser.');
      }
    }).catch(function () {
      dirty = true;
      say('offline', 'Offline: your text is kept in this browser and saved when the connection is back.');
    }).then(function () { saving = false; inflight = null; });
  }
  // story-collab.js: someone else took the story over; what this page had typed went to the server as a revision.
  form.addEventListener('byline:lock-lost', function (ev) {
    stopped = true;
    dirty = false;
    if (ev.detail && ev.detail.detail) { say('locked', ev.detail.detail); }
  });
  window.addEventListener('online', autosave);
  window.addEventListener('offline', function () { say('offline', 'Offline: your text is kept in this browser and saved when the connection is back.'); });
  setInterval(autosave, AUTOSAVE_MS);
  window.addEventListener('beforeunload', function (ev) {
    if (dirty && !submitting) { ev.preventDefault(); ev.returnValue = ''; }
  });
})();
