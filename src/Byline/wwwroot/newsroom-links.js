// Menus, footer groups and trending topics as rows (Newsroom/Curation/LinksPage). Without this script every
// button posts the form and the server moves, adds or removes the row. With it the same buttons act in the
// page, rows and groups are dragged by their handle, each move is read out, and Find… opens the link
// picker (/newsroom/api/links). Fields are renumbered after every change so the form posts them in the
// order shown. Nothing is saved until Save.
(function () {
  'use strict';
  var form = document.querySelector('form[data-links-editor]');
  var picker = document.querySelector('dialog[data-link-picker]');
  if (!form || form.getAttribute('data-links-ready') === 'true') { return; }
  form.setAttribute('data-links-ready', 'true');
  var flat = form.getAttribute('data-shape') === 'flat';
  var groupNoun = form.getAttribute('data-group-noun');
  var linkNoun = form.getAttribute('data-link-noun');
  var status = form.querySelector('[data-links-status]');
  var dragged = null;

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }
  function groups() { return all(form, '[data-group]'); }
  function rowsOf(group) { return all(group, '[data-rows] > [data-row]'); }
  function headFields(group) { return all(group, '[data-field]').filter(function (f) { return !f.closest('[data-row]'); }); }
  function filled(inputs) { return inputs.some(function (i) { return i.value.trim() !== ''; }); }
  function blankRow(row) { return !filled(all(row, '[data-field]')); }
  function blankGroup(group) { return !filled(all(group, '[data-field]')); }
  function nameOf(root, noun) {
    var label = root.querySelector('[data-field="label"]');
    var text = label ? label.value.trim() : '';
    return text ? '“' + text + '”' : 'The ' + noun;
  }
  function say(text) { status.textContent = ''; window.setTimeout(function () { status.textContent = text; }, 50); }

  // Gives every field, label, message and button the name and wording of its place.
  function renumber() {
    groups().forEach(function (group, g) {
      var gName = 'Groups[' + g + ']';
      var what = groupNoun + ' ' + (g + 1);
      if (!flat) {
        group.id = 'Groups_' + g + '__Links-list';
        var legend = group.querySelector(':scope > fieldset > legend');
        legend.textContent = cap(what);
        headFields(group).forEach(function (input) { name(input, gName + (input.getAttribute('data-field') === 'url' ? '.Url' : '.Label')); });
        buttons(group.querySelector(':scope > fieldset > .nr-link-head > .nr-link-actions'), String(g), what);
      }
      rowsOf(group).forEach(function (row, i) {
        var rName = gName + '.Links[' + i + ']';
        var rowWhat = linkNoun + ' ' + (i + 1) + (flat ? '' : ' of ' + what);
        row.querySelector('[data-legend]').textContent = cap(rowWhat);
        all(row, '[data-field]').forEach(function (input) { name(input, rName + (input.getAttribute('data-field') === 'url' ? '.Url' : '.Label')); });
        buttons(row.querySelector('.nr-link-actions'), g + ':' + i, rowWhat);
      });
      var listError = group.querySelector(':scope [data-rows] ~ .nr-field-error');
      if (listError) { listError.setAttribute('data-error-for', gName + '.Links'); }
      var add = group.querySelector('[data-op="add"]');
      add.value = 'add:' + g;
      if (!flat) { add.querySelector('.visually-hidden').textContent = ' to ' + what; }
    });
    refresh();
  }

  function name(input, fieldName) {
    var id = fieldName.replace(/[\[\]\.]/g, '_');
    var box = input.parentNode;
    var error = box.querySelector('.nr-field-error');
    input.name = fieldName;
    input.id = id;
    box.querySelector('label').setAttribute('for', id);
    error.id = id + '-error';
    error.setAttribute('data-error-for', fieldName);
    if (input.hasAttribute('aria-describedby')) { input.setAttribute('aria-describedby', error.id); }
  }

  function buttons(box, at, what) {
    all(box, 'button[data-op]').forEach(function (b) {
      b.value = b.getAttribute('data-op') + ':' + at;
      b.querySelector('.visually-hidden').textContent = ' ' + what;
    });
  }

  // Where a row would go one place up or down: beside a filled row of its list, else into the next filled group.
  function rowTarget(row, up) {
    var group = row.closest('[data-group]');
    var siblings = rowsOf(group);
    var i = siblings.indexOf(row);
    var others = up ? siblings.slice(0, i) : siblings.slice(i + 1);
    if (others.some(function (r) { return !blankRow(r); })) {
      return { list: row.parentNode, before: up ? siblings[i - 1] : siblings[i + 1].nextElementSibling };
    }
    if (flat) { return null; }
    var gs = groups();
    var next = gs[gs.indexOf(group) + (up ? -1 : 1)];
    if (!next || blankGroup(next)) { return null; }
    var nextRows = rowsOf(next);
    var lastFilled = nextRows.filter(function (r) { return !blankRow(r); }).pop();
    return { list: next.querySelector('[data-rows]'), before: up ? (lastFilled ? lastFilled.nextElementSibling : nextRows[0] || null) : nextRows[0] || null };
  }

  function groupTarget(group, up) {
    var next = up ? group.previousElementSibling : group.nextElementSibling;
    return next && !blankGroup(next) && !blankGroup(group) ? next : null;
  }

  // The buttons that cannot act now are disabled, as the server renders them.
  function refresh() {
    groups().forEach(function (group) {
      if (!flat) {
        var head = group.querySelector(':scope > fieldset > .nr-link-head > .nr-link-actions');
        head.querySelector('[data-op="up"]').disabled = !groupTarget(group, true);
        head.querySelector('[data-op="down"]').disabled = !groupTarget(group, false);
      }
      rowsOf(group).forEach(function (row) {
        var blank = blankRow(row);
        row.querySelector('.nr-link-actions [data-op="up"]').disabled = blank || !rowTarget(row, true);
        row.querySelector('.nr-link-actions [data-op="down"]').disabled = blank || !rowTarget(row, false);
      });
    });
  }

  function clear(root) {
    all(root, '[data-field]').forEach(function (input) {
      input.value = '';
      input.setAttribute('aria-invalid', 'false');
      input.removeAttribute('aria-describedby');
      input.removeAttribute('autofocus');
    });
    all(root, '.nr-field-error').forEach(function (e) { e.textContent = ''; e.removeAttribute('role'); });
    return root;
  }

  function newRow(group) {
    var rows = rowsOf(group);
    var template = rows[0] || form.querySelector('[data-row]');
    var row = clear(template.cloneNode(true));
    group.querySelector('[data-rows]').appendChild(row);
    return row;
  }

  function newGroup() {
    var list = form.querySelector('[data-groups]');
    var group = clear(groups()[0].cloneNode(true));
    rowsOf(group).slice(1).forEach(function (r) { r.remove(); });
    list.appendChild(group);
    return group;
  }

  function position(el, list) { return (list.indexOf(el) + 1) + ' of ' + list.length; }

  function movedRow(row) {
    renumber();
    var group = row.closest('[data-group]');
    var filledRows = rowsOf(group).filter(function (r) { return !blankRow(r); });
    say(nameOf(row, linkNoun) + ' moved to position ' + position(row, filledRows) + (flat ? '' : ' in ' + nameOf(group.querySelector('.nr-link-head'), groupNoun)) + '. Not saved yet.');
  }

  function movedGroup(group) {
    renumber();
    var filledGroups = groups().filter(function (g) { return !blankGroup(g); });
    say(nameOf(group.querySelector('.nr-link-head'), groupNoun) + ' moved to position ' + position(group, filledGroups) + '. Not saved yet.');
  }

  form.addEventListener('click', function (ev) {
    var button = ev.target.closest('button[data-op]');
    if (!button || !form.contains(button)) { return; }
    ev.preventDefault();
    var op = button.getAttribute('data-op');
    var row = button.closest('[data-row]');
    var group = button.closest('[data-group]');
    if (op === 'add') {
      var added = newRow(group);
      renumber();
      added.querySelector('[data-field]').focus();
      say('A new ' + linkNoun + ' row is ready.');
      return;
    }
    if (op === 'add-group') {
      var g = newGroup();
      renumber();
      g.querySelector('[data-field]').focus();
      say('A new ' + groupNoun + ' is at the end of the list.');
      return;
    }
    if (op === 'remove') {
      var gone = row ? nameOf(row, linkNoun) : nameOf(group.querySelector('.nr-link-head'), groupNoun);
      var focusAfter;
      if (row) {
        var list = rowsOf(group);
        focusAfter = list[list.indexOf(row) + 1] || list[list.indexOf(row) - 1];
        if (list.length === 1) { focusAfter = newRow(group); }
        row.remove();
      } else {
        var gs = groups();
        focusAfter = gs[gs.indexOf(group) + 1] || gs[gs.indexOf(group) - 1];
        if (gs.length === 1) { focusAfter = newGroup(); }
        group.remove();
      }
      renumber();
      focusAfter.querySelector('[data-field]').focus();
      say(gone + ' removed. Not saved yet.');
      return;
    }
    var up = op === 'up';
    if (row) {
      var target = rowTarget(row, up);
      if (!target) { return; }
      target.list.insertBefore(row, target.before);
      movedRow(row);
    } else {
      var other = groupTarget(group, up);
      if (!other) { return; }
      group.parentNode.insertBefore(group, up ? other : other.nextElementSibling);
      movedGroup(group);
    }
    // Keep the keyboard where it was; at an edge the other way's button takes it.
    if (!button.disabled) { button.focus(); } else { button.parentNode.querySelector('[data-op="' + (up ? 'down' : 'up') + '"]').focus(); }
  });

  form.addEventListener('input', refresh);

  // ---- drag by the handle: a row among rows (into another group too), a group among groups ----
  all(form, '.nr-drag').forEach(function (h) { h.hidden = false; });
  form.addEventListener('dragstart', function (ev) {
    var handle = ev.target.closest && ev.target.closest('.nr-drag');
    if (!handle) { return; }
    dragged = handle.parentNode;
    dragged.classList.add('nr-dragging');
    ev.dataTransfer.effectAllowed = 'move';
    ev.dataTransfer.setData('text/plain', '');
    if (ev.dataTransfer.setDragImage) { ev.dataTransfer.setDragImage(dragged, 16, 16); }
  });
  form.addEventListener('dragover', function (ev) {
    if (!dragged) { return; }
    var isRow = dragged.hasAttribute('data-row');
    var over = ev.target.closest(isRow ? '[data-row]' : '[data-group]');
    if (isRow && !over) {
      // An empty group's list, or the space below its last row.
      var list = ev.target.closest('[data-group]') && ev.target.closest('[data-group]').querySelector('[data-rows]');
      if (list && (!flat || list.contains(dragged))) { ev.preventDefault(); if (!list.contains(dragged)) { list.appendChild(dragged); } }
      return;
    }
    if (!over || !form.contains(over)) { return; }
    ev.preventDefault();
    if (over === dragged || over.contains(dragged)) { return; }
    if (flat && isRow && over.parentNode !== dragged.parentNode) { return; }
    var box = over.getBoundingClientRect();
    over.parentNode.insertBefore(dragged, ev.clientY > box.top + box.height / 2 ? over.nextElementSibling : over);
  });
  form.addEventListener('drop', function (ev) { if (dragged) { ev.preventDefault(); } });
  form.addEventListener('dragend', function () {
    if (!dragged) { return; }
    var moved = dragged;
    dragged = null;
    moved.classList.remove('nr-dragging');
    if (moved.hasAttribute('data-row')) { movedRow(moved); } else { movedGroup(moved); }
  });

  // ---- the link picker ----
  if (!picker || typeof picker.showModal !== 'function') { return; }
  var q = picker.querySelector('[data-picker-q]');
  var results = picker.querySelector('[data-picker-results]');
  var pickerStatus = picker.querySelector('[data-picker-status]');
  var target = null;
  var opener = null;
  var asked = 0;
  var timer = null;

  all(form, '[data-pick]').forEach(function (b) { b.hidden = false; });
  form.addEventListener('click', function (ev) {
    var find = ev.target.closest('[data-pick]');
    if (!find) { return; }
    opener = find;
    target = find.parentNode.querySelector('[data-field="url"]');
    var label = find.closest('fieldset').querySelector('[data-field="label"]');
    q.value = label && label.value.trim().length >= 2 ? label.value.trim() : '';
    results.innerHTML = '';
    results.setAttribute('data-query', '');
    pickerStatus.textContent = 'Type at least two letters.';
    picker.showModal();
    q.focus();
    if (q.value) { search(); }
  });

  function search() {
    var text = q.value.trim();
    var mine = ++asked;
    if (text.length < 2) {
      results.innerHTML = '';
      results.setAttribute('data-query', '');
      pickerStatus.textContent = 'Type at least two letters.';
      return;
    }
    pickerStatus.textContent = 'Searching…';
    fetch('/newsroom/api/links?q=' + encodeURIComponent(text), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (choices) {
        // An answer to an older search than the newest is dropped: the list always matches the box.
        if (mine !== asked) { return; }
        show(choices, text);
      })
      .catch(function () { if (mine === asked) { pickerStatus.textContent = 'The search failed; try again.'; } });
  }

  function show(choices, text) {
    results.innerHTML = '';
    choices.forEach(function (c) {
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'nr-link-choice';
      b.setAttribute('data-path', c.path);
      var kind = document.createElement('span');
      kind.className = 'nr-link-kind';
      kind.textContent = c.kind;
      var label = document.createElement('strong');
      label.textContent = c.label;
      var path = document.createElement('span');
      path.className = 'nr-muted';
      path.textContent = c.path;
      b.appendChild(kind); b.appendChild(document.createTextNode(' ')); b.appendChild(label);
      b.appendChild(document.createTextNode(' ')); b.appendChild(path);
      b.addEventListener('click', function () { choose(c); });
      li.appendChild(b);
      results.appendChild(li);
    });
    results.setAttribute('data-query', text);
    pickerStatus.textContent = choices.length === 0
      ? 'Nothing found for “' + text + '”. You can still type any address in the Link field.'
      : choices.length + (choices.length === 1 ? ' match' : ' matches') + ' for “' + text + '”.';
  }

  function choose(c) {
    target.value = c.path;
    var label = target.closest('fieldset').querySelector('[data-field="label"]');
    if (label && label.value.trim() === '') { label.value = c.label; }
    target.dispatchEvent(new Event('input', { bubbles: true }));
    picker.close();
    target.focus();
    say('Linked to ' + c.label + ' (' + c.path + '). Not saved yet.');
  }

  q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(search, 200); });
  q.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(timer); search(); }
    if (ev.key === 'ArrowDown') { var first = results.querySelector('button'); if (first) { ev.preventDefault(); first.focus(); } }
  });
  results.addEventListener('keydown', function (ev) {
    var items = all(results, 'button');
    var at = items.indexOf(document.activeElement);
    if (ev.key === 'ArrowDown' && at < items.length - 1) { ev.preventDefault(); items[at + 1].focus(); }
    if (ev.key === 'ArrowUp') { ev.preventDefault(); if (at > 0) { items[at - 1].focus(); } else { q.focus(); } }
  });
  picker.querySelector('[data-picker-close]').addEventListener('click', function () { picker.close(); });
  picker.addEventListener('close', function () {
    asked++;
    if (opener && document.activeElement === document.body) { opener.focus(); }
  });
})();
