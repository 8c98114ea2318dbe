// The slide list of photo stories and web stories: add, remove and reorder rows, and fill a row from
// the media picker (newsroom-editor.js tells us through 'byline:media-picked'). Without this script
// the list still posts: the server renders the saved slides plus empty rows and drops empty ones.
(function () {
  'use strict';
  var box = document.querySelector('[data-slides]');
  if (!box) { return; }
  var list = box.querySelector('[data-slide-list]');
  var template = box.querySelector('template[data-slide-template]');
  var form = box.closest('form');

  function rows() { return Array.prototype.slice.call(list.querySelectorAll('[data-slide-row]')); }

  function isEmpty(row) {
    return Array.prototype.every.call(row.querySelectorAll('input, textarea'), function (f) { return !f.value.trim(); });
  }

  // Model binding wants indexes 0..n-1 in order, so names and ids follow the rows' positions.
  function renumber() {
    rows().forEach(function (row, i) {
      row.querySelectorAll('[name]').forEach(function (f) {
        f.name = f.name.replace(/Form\.Slides\[[^\]]*\]/, 'Form.Slides[' + i + ']');
      });
      row.querySelectorAll('[id]').forEach(function (f) {
        f.id = f.id.replace(/^slide-[^-]+-/, 'slide-' + i + '-');
      });
      row.querySelectorAll('label[for]').forEach(function (l) {
        l.htmlFor = l.htmlFor.replace(/^slide-[^-]+-/, 'slide-' + i + '-');
      });
      var number = row.querySelector('[data-slide-number]');
      if (number) { number.textContent = String(i + 1); }
      var up = row.querySelector('[data-slide-move="-1"]'), down = row.querySelector('[data-slide-move="1"]');
      if (up) { up.disabled = i === 0; }
      if (down) { down.disabled = i === rows().length - 1; }
    });
  }

  function changed() {
    renumber();
    form.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function addRow() {
    var fragment = template.content.cloneNode(true);
    var row = fragment.querySelector('[data-slide-row]');
    row.querySelector('.slide-actions').hidden = false;
    list.appendChild(fragment);
    changed();
    var first = row.querySelector('input:not([type=hidden]), textarea');
    if (first) { first.focus(); }
    return row;
  }

  // With the script, rows are added on demand: keep the filled rows and one empty row at the end.
  rows().forEach(function (row, i, all) {
    row.querySelector('.slide-actions').hidden = false;
    if (isEmpty(row) && i < all.length - 1 && row.getAttribute('data-blank') === 'true') { row.remove(); }
  });
  box.querySelector('[data-slide-add]').hidden = false;
  box.querySelector('[data-slide-add]').addEventListener('click', addRow);
  renumber();

  list.addEventListener('click', function (ev) {
    var target = ev.target;
    var row = target.closest('[data-slide-row]');
    if (!row) { return; }
    if (target.hasAttribute('data-slide-remove')) {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      changed();
      var focus = next ? next.querySelector('[data-slide-remove]') : box.querySelector('[data-slide-add]');
      if (focus) { focus.focus(); }
    } else if (target.hasAttribute('data-slide-move')) {
      var by = parseInt(target.getAttribute('data-slide-move'), 10);
      var sibling = by < 0 ? row.previousElementSibling : row.nextElementSibling;
      if (!sibling) { return; }
      list.insertBefore(row, by < 0 ? sibling : sibling.nextElementSibling);
      changed();
      target.focus();
    }
  });

  list.addEventListener('byline:media-picked', function (ev) {
    var row = ev.target.closest('[data-slide-row]');
    var picked = ev.detail;
    if (!row || !picked) { return; }
    row.querySelector('[data-slide-image]').value = picked.id;
    var thumb = row.querySelector('[data-slide-thumb]');
    thumb.innerHTML = '';
    var img = document.createElement('img');
    img.src = picked.thumb; img.alt = picked.alt || ''; img.width = 160;
    thumb.appendChild(img);
    // The library's caption and credit are a start; the editor's own words win.
    var caption = row.querySelector('textarea[name$=".Text"]');
    var credit = row.querySelector('input[name$=".Credit"]');
    if (box.getAttribute('data-slides') === 'photo-story' && caption && !caption.value && picked.caption) { caption.value = picked.caption; }
    if (credit && !credit.value && picked.credit) { credit.value = picked.credit; }
    if (row === rows()[rows().length - 1]) { addRow(); }
    changed();
  });
})();
