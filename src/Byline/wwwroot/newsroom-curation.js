// Top Stories by drag and drop: a story is dragged to its new place, or moved with its ↑ and ↓ buttons
// (the keyboard way); the preview beside the list shows the real home page in the new order before it
// is saved, and Save order posts the whole order at once. Without script each button is a form that
// moves the story one place and saves.
(function () {
  'use strict';
  var list = document.querySelector('[data-curated="top"]');
  var form = document.querySelector('form[data-form="order"]');
  var frame = document.querySelector('[data-curation-preview]');
  if (!list || !form || !frame) { return; }
  var orderField = form.querySelector('[data-order]');
  var status = form.querySelector('[data-order-status]');
  var secondary = parseInt(list.getAttribute('data-secondary'), 10) || 3;
  var top = parseInt(list.getAttribute('data-top'), 10) || 8;
  var saved = orderField.value;
  var dragged = null;
  var previewTimer = null;

  function items() { return Array.prototype.slice.call(list.querySelectorAll(':scope > li')); }
  function tierOf(i) { return i === 0 ? 'Lead' : i <= secondary ? 'Secondary' : i < top ? 'More' : 'Not shown'; }

  function changed(moved) {
    var all = items();
    all.forEach(function (li, i) {
      var tier = tierOf(i);
      li.setAttribute('data-tier', tier.toLowerCase().replace(' ', '-'));
      li.querySelector('.nr-tier').textContent = tier;
      var up = li.querySelector('[data-move="-1"]');
      var down = li.querySelector('[data-move="1"]');
      if (up) { up.disabled = i === 0; }
      if (down) { down.disabled = i === all.length - 1; }
    });
    orderField.value = all.map(function (li) { return li.getAttribute('data-item'); }).join(',');
    form.hidden = orderField.value === saved;
    if (moved) {
      var headline = moved.querySelector('strong');
      status.textContent = (headline ? headline.textContent : 'The story') + ' is now number ' + (all.indexOf(moved) + 1) + ' (' + tierOf(all.indexOf(moved)) + '). Not saved yet.';
    }
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var ids = all.map(function (li) { return li.getAttribute('data-article'); }).join(',');
      frame.setAttribute('src', '/newsroom/curation/top/preview?order=' + encodeURIComponent(ids));
    }, 250);
  }

  // The ↑ and ↓ buttons reorder here instead of saving one step at a time.
  list.addEventListener('submit', function (ev) {
    var button = ev.submitter || ev.target.querySelector('[data-move]');
    var by = button && button.getAttribute('data-move');
    if (!by) { return; }
    ev.preventDefault();
    var li = ev.target.closest('li');
    if (by === '-1' && li.previousElementSibling) { list.insertBefore(li, li.previousElementSibling); }
    if (by === '1' && li.nextElementSibling) { list.insertBefore(li.nextElementSibling, li); }
    changed(li);
    if (!button.disabled) { button.focus(); } else { var other = li.querySelector('[data-move="' + (by === '-1' ? '1' : '-1') + '"]'); if (other) { other.focus(); } }
  });

  list.addEventListener('dragstart', function (ev) {
    dragged = ev.target.closest('li');
    if (!dragged) { return; }
    dragged.classList.add('nr-dragging');
    ev.dataTransfer.effectAllowed = 'move';
    ev.dataTransfer.setData('text/plain', dragged.getAttribute('data-article'));
  });
  list.addEventListener('dragover', function (ev) {
    if (!dragged) { return; }
    ev.preventDefault();
    var over = ev.target.closest('li');
    if (!over || over === dragged) { return; }
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, ev.clientY > box.top + box.height / 2 ? over.nextElementSibling : over);
  });
  list.addEventListener('drop', function (ev) { if (dragged) { ev.preventDefault(); } });
  list.addEventListener('dragend', function () {
    if (!dragged) { return; }
    dragged.classList.remove('nr-dragging');
    var moved = dragged;
    dragged = null;
    changed(moved);
  });

  form.querySelector('[data-order-reset]').addEventListener('click', function () { window.location.reload(); });
})();
