// Editor comfort for short news and topic hubs: the summary's live word count, story finders for the
// linked story / live blog / pinned stories, pinned-story ordering and Suggest summary. Every field is
// an ordinary input without this script (numbers typed by hand).
(function () {
  'use strict';
  var form = document.getElementById('story-form');
  if (!form || form.getAttribute('data-formats-ready')) { return; }
  form.setAttribute('data-formats-ready', '1');

  // Counted as the server counts (BodyDocument.CountWords): runs of letters or digits, joined by ' ’ -.
  function countWords(text) {
    var count = 0, inWord = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      var letter = /[\p{L}\p{N}]/u.test(c);
      if (letter && !inWord) { count++; }
      inWord = letter || (inWord && (c === "'" || c === '\u2019' || c === '-'));
    }
    return count;
  }

  function find(q, kind) {
    return fetch('/newsroom/api/stories/find?kind=' + encodeURIComponent(kind) + '&q=' + encodeURIComponent(q), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : []; });
  }

  function debounce(fn, ms) {
    var t = null;
    return function () { var args = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, args); }, ms); };
  }

  function resultsList(items, onPick) {
    var ul = document.createElement('ul');
    ul.className = 'finder-results';
    items.forEach(function (s) {
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = s.headline + ' (' + s.format + ', ' + s.id + ')';
      b.addEventListener('click', function () { onPick(s); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    return ul;
  }

  // ---- short news: live word count ----
  var shortBox = form.querySelector('[data-short-editor]');
  var standfirst = document.getElementById('Form_Standfirst');
  if (shortBox && standfirst) {
    var limit = parseInt(shortBox.getAttribute('data-word-limit'), 10) || 60;
    var out = shortBox.querySelector('[data-short-words]');
    var line = out.parentNode;
    var update = function () {
      var n = countWords(standfirst.value);
      out.textContent = n;
      line.classList.toggle('over', n > limit);
      standfirst.setAttribute('aria-invalid', n > limit ? 'true' : 'false');
    };
    standfirst.setAttribute('aria-describedby', 'short-word-count');
    line.id = 'short-word-count';
    standfirst.addEventListener('input', update);
    update();

    // ---- Suggest summary: TextRank over the linked story, on the server ----
    var suggest = shortBox.querySelector('[data-suggest-summary]');
    var status = shortBox.querySelector('.suggest-status');
    suggest.hidden = false;
    suggest.addEventListener('click', function () {
      status.textContent = 'Summarising…';
      fetch('/newsroom/stories/suggest-summary', {
        method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { 'Accept': 'application/json' }
      }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (res) {
        if (!res.ok) { status.textContent = res.data.detail || 'No summary could be made.'; return; }
        standfirst.value = res.data.summary;
        standfirst.dispatchEvent(new Event('input', { bubbles: true }));
        status.textContent = 'Suggested ' + res.data.words + ' words from the full story; edit as you like.';
      }).catch(function () { status.textContent = 'The suggestion failed; try again.'; });
    });
  }

  // ---- story finders beside number fields (linked story, live blog) ----
  form.querySelectorAll('[data-story-finder]').forEach(function (input) {
    var kind = input.getAttribute('data-story-finder');
    var search = document.createElement('input');
    search.type = 'search';
    search.placeholder = 'Search by headline';
    search.setAttribute('aria-label', 'Search stories by headline');
    var chosen = document.createElement('span');
    chosen.className = 'finder-chosen';
    var holder = document.createElement('div');
    input.parentNode.insertBefore(search, input.nextSibling);
    search.parentNode.insertBefore(holder, search.nextSibling);
    holder.parentNode.insertBefore(chosen, holder.nextSibling);
    search.addEventListener('input', debounce(function () {
      holder.innerHTML = '';
      if (search.value.trim().length < 2) { return; }
      find(search.value.trim(), kind).then(function (items) {
        holder.innerHTML = '';
        holder.appendChild(resultsList(items, function (s) {
          input.value = s.id;
          chosen.textContent = s.headline;
          holder.innerHTML = '';
          search.value = '';
        }));
      });
    }, 250));
  });

  // ---- pinned stories: an ordered list kept in sync with the comma-separated field ----
  var pinnedInput = form.querySelector('[data-pinned-ids]');
  if (pinnedInput) {
    var list = form.querySelector('[data-pinned-list]');
    var pinFind = form.querySelector('[data-pinned-find]');
    var pinResults = form.querySelector('[data-pinned-results]');
    var titles = {};
    var ids = function () {
      return pinnedInput.value.split(/[\s,]+/).filter(function (x) { return /^\d+$/.test(x); }).map(Number);
    };
    var write = function (arr) { pinnedInput.value = arr.join(', '); render(); };
    var render = function () {
      list.innerHTML = '';
      ids().forEach(function (id, i, arr) {
        var li = document.createElement('li');
        var label = document.createElement('span');
        label.textContent = (titles[id] || 'Story') + ' (' + id + ')';
        li.appendChild(label);
        [['↑', 'Move up', -1], ['↓', 'Move down', 1]].forEach(function (m) {
          var b = document.createElement('button');
          b.type = 'button'; b.textContent = m[0]; b.setAttribute('aria-label', m[1] + ': ' + label.textContent);
          b.disabled = (m[2] < 0 && i === 0) || (m[2] > 0 && i === arr.length - 1);
          b.addEventListener('click', function () { var a = ids(); var j = i + m[2]; var t = a[i]; a[i] = a[j]; a[j] = t; write(a); });
          li.appendChild(b);
        });
        var rm = document.createElement('button');
        rm.type = 'button'; rm.textContent = 'Remove'; rm.setAttribute('aria-label', 'Remove ' + label.textContent);
        rm.addEventListener('click', function () { var a = ids(); a.splice(i, 1); write(a); });
        li.appendChild(rm);
        list.appendChild(li);
      });
    };
    list.hidden = false;
    pinFind.hidden = false;
    pinResults.hidden = false;
    var labelFor = form.querySelector('label[for="pinned-find"]');
    if (labelFor) { labelFor.hidden = false; }
    ids().forEach(function (id) {
      find(String(id), 'pinnable').then(function (items) { if (items.length) { titles[id] = items[0].headline; render(); } });
    });
    pinnedInput.addEventListener('change', render);
    pinFind.addEventListener('input', debounce(function () {
      pinResults.innerHTML = '';
      if (pinFind.value.trim().length < 2) { return; }
      find(pinFind.value.trim(), 'pinnable').then(function (items) {
        pinResults.innerHTML = '';
        pinResults.appendChild(resultsList(items, function (s) {
          titles[s.id] = s.headline;
          var a = ids();
          if (a.indexOf(s.id) < 0) { a.push(s.id); }
          write(a);
          pinResults.innerHTML = '';
          pinFind.value = '';
        }));
      });
    }, 250));
    render();
  }
})();
