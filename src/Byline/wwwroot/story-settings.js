// The story editor's settings panel: the author search (a combobox over the form's own multiple
// select, which is what the form posts), the SEO counters, the address, search-result and social-card
// previews, and the toggle that shows the story's preview page at phone and desktop widths.
// Without script the select, the plain fields and the "Preview the article page" link do the same work.
(function () {
  'use strict';
  var form = document.getElementById('story-form');
  if (!form) { return; }
  var uid = 0;

  // ---- authors: a combobox with a listbox of matches, the chosen ones as removable chips ----
  var picker = form.querySelector('[data-author-picker]');
  var select = picker && picker.querySelector('[data-author-select]');
  if (select) {
    var label = picker.querySelector('[data-author-label]');
    var hint = picker.querySelector('[data-author-hint]');
    var chips = document.createElement('ul');
    chips.className = 'author-chips';
    chips.setAttribute('aria-label', 'Chosen authors');
    chips.setAttribute('data-author-chips', '');
    var box = document.createElement('div');
    box.className = 'author-combo';
    var input = document.createElement('input');
    input.type = 'text';
    input.id = 'author-search';
    input.autocomplete = 'off';
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', 'author-options');
    input.setAttribute('aria-describedby', 'author-combo-hint');
    input.setAttribute('data-author-search', '');
    input.placeholder = 'Type a name to add an author';
    var list = document.createElement('ul');
    list.id = 'author-options';
    list.className = 'author-options';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Matching authors');
    list.hidden = true;
    var small = document.createElement('small');
    small.id = 'author-combo-hint';
    small.textContent = 'Up and down arrows to choose, Enter to add. None: the story is credited to the publication.';
    var announce = document.createElement('span');
    announce.className = 'visually-hidden';
    announce.setAttribute('role', 'status');
    announce.setAttribute('aria-live', 'polite');
    box.appendChild(input);
    box.appendChild(list);
    picker.insertBefore(chips, select);
    picker.insertBefore(box, select);
    picker.insertBefore(small, select);
    picker.insertBefore(announce, select);
    select.hidden = true;
    if (hint) { hint.hidden = true; }
    label.setAttribute('for', 'author-search');
    var active = -1;

    var renderChips = function () {
      chips.textContent = '';
      Array.prototype.forEach.call(select.options, function (o) {
        if (!o.selected) { return; }
        var li = document.createElement('li');
        li.setAttribute('data-author-id', o.value);
        li.appendChild(document.createTextNode(o.text + ' '));
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = '×';
        remove.setAttribute('aria-label', 'Remove ' + o.text);
        remove.addEventListener('click', function () {
          o.selected = false;
          select.dispatchEvent(new Event('change', { bubbles: true }));
          renderChips();
          announce.textContent = o.text + ' removed.';
          input.focus();
        });
        li.appendChild(remove);
        chips.appendChild(li);
      });
      chips.hidden = chips.children.length === 0;
    };

    var close = function () {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    };

    var highlight = function (i) {
      var items = list.querySelectorAll('[role=option]');
      if (items.length === 0) { active = -1; return; }
      active = (i + items.length) % items.length;
      Array.prototype.forEach.call(items, function (el, n) { el.classList.toggle('active', n === active); });
      input.setAttribute('aria-activedescendant', items[active].id);
      items[active].scrollIntoView({ block: 'nearest' });
    };

    var choose = function (option) {
      option.selected = true;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      renderChips();
      announce.textContent = option.text + ' added.';
      input.value = '';
      close();
      input.focus();
    };

    var search = function () {
      var q = input.value.trim().toLowerCase();
      list.textContent = '';
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (o) {
        if (o.selected || shown >= 20) { return; }
        if (q.length > 0 && o.text.toLowerCase().indexOf(q) < 0) { return; }
        var li = document.createElement('li');
        li.id = 'author-option-' + (++uid);
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-author-option', o.value);
        li.textContent = o.text;
        // mousedown, not click: picking must not blur the input first.
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(o); });
        list.appendChild(li);
        shown++;
      });
      if (shown === 0) {
        var none = document.createElement('li');
        none.className = 'author-none';
        none.setAttribute('role', 'option');
        none.setAttribute('aria-disabled', 'true');
        none.id = 'author-option-none';
        none.textContent = q.length > 0 ? 'No author matches “' + input.value.trim() + '”' : 'Every author is already chosen';
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
      input.removeAttribute('aria-activedescendant');
    };

    input.addEventListener('input', search);
    input.addEventListener('focus', function () { if (input.value.trim().length > 0) { search(); } });
    input.addEventListener('blur', close);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        if (list.hidden) { search(); }
        highlight(active + 1);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        if (list.hidden) { search(); }
        highlight(active - 1);
      } else if (e.key === 'Enter') {
        // Never submits the story from the author search.
        e.preventDefault();
        var items = list.querySelectorAll('[role=option][data-author-option]');
        var pick = active >= 0 ? list.querySelectorAll('[role=option]')[active] : (items.length === 1 ? items[0] : null);
        if (pick && pick.hasAttribute('data-author-option')) {
          var value = pick.getAttribute('data-author-option');
          var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
          if (option) { choose(option); }
        }
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); }
      } else if (e.key === 'Backspace' && input.value === '' && chips.lastElementChild) {
        chips.lastElementChild.querySelector('button').click();
      }
    });
    renderChips();
  }

  // ---- SEO counters and the address, search-result and social-card previews ----
  var seo = form.querySelector('[data-seo]');
  var field = function (name) { return form.querySelector('[name="Form.' + name + '"]'); };
  var counters = form.querySelectorAll('[data-count-for]');
  var count = function (counter) {
    var target = document.getElementById(counter.getAttribute('data-count-for'));
    if (!target) { return; }
    var limit = parseInt(counter.getAttribute('data-recommended'), 10);
    var n = target.value.length;
    counter.textContent = n + ' of ' + limit + ' characters recommended' + (n > limit ? ': ' + (n - limit) + ' over, search engines cut it short' : '');
    counter.classList.toggle('over', n > limit);
    counter.setAttribute('data-over', n > limit ? 'true' : 'false');
  };
  Array.prototype.forEach.call(counters, function (c) {
    var target = document.getElementById(c.getAttribute('data-count-for'));
    if (target) { target.addEventListener('input', function () { count(c); }); }
    count(c);
  });

  if (seo) {
    var serp = seo.querySelector('[data-serp-preview]');
    var card = seo.querySelector('[data-social-preview]');
    var urlPreview = seo.querySelector('[data-url-preview]');
    var template = seo.getAttribute('data-url-template') || '';
    var origin = seo.getAttribute('data-origin') || '';
    var sectionSelect = form.querySelector('[data-section-select]');
    var cut = function (text, limit) { return text.length > limit ? text.slice(0, limit - 1).trimEnd() + '…' : text; };
    var refresh = function () {
      var slug = (field('Slug').value || '').trim() || 'slug';
      var chosen = sectionSelect && sectionSelect.selectedOptions[0];
      var section = (chosen && chosen.getAttribute('data-slug')) || 'section';
      var url = origin + template.replace('{section}', section).replace('{slug}', slug);
      urlPreview.textContent = url;
      var title = (field('SeoTitle').value || '').trim() || (field('Headline').value || '').trim() || 'Headline';
      var description = (field('SeoDescription').value || '').trim() || (field('Standfirst').value || '').trim();
      serp.querySelector('[data-serp-url]').textContent = url.replace(/^https?:\/\//, '').split('/').join(' › ');
      serp.querySelector('[data-serp-title]').textContent = cut(title, 60);
      serp.querySelector('[data-serp-description]').textContent = cut(description, 160);
      card.querySelector('[data-social-host]').textContent = origin.replace(/^https?:\/\//, '').toUpperCase();
      card.querySelector('[data-social-title]').textContent = cut(title, 90);
      card.querySelector('[data-social-description]').textContent = cut(description, 200);
      var lead = document.querySelector('#lead-image-preview img');
      var image = card.querySelector('[data-social-image]');
      var current = image.querySelector('img');
      if (lead && (!current || current.getAttribute('src') !== lead.getAttribute('src'))) {
        image.textContent = '';
        var img = document.createElement('img');
        img.src = lead.getAttribute('src');
        img.alt = '';
        image.appendChild(img);
      } else if (!lead) {
        image.textContent = 'No lead picture: the site’s own image is used.';
      }
    };
    serp.hidden = false;
    card.hidden = false;
    form.addEventListener('input', refresh);
    form.addEventListener('change', refresh);
    // The lead picture is set by the media picker without an input event.
    var leadBox = document.getElementById('lead-image-preview');
    if (leadBox && window.MutationObserver) { new MutationObserver(refresh).observe(leadBox, { childList: true, subtree: true }); }
    refresh();
  }

  // ---- preview toggle: the story's preview page framed at 390 and 1366 pixels ----
  var toggle = form.querySelector('[data-preview-toggle]');
  var pane = form.querySelector('[data-preview-pane]');
  var layout = form.querySelector('[data-editor-layout]');
  if (toggle && pane && layout) {
    toggle.hidden = false;
    var frames = pane.querySelectorAll('iframe[data-src]');
    var load = function () {
      Array.prototype.forEach.call(frames, function (f) { f.src = f.getAttribute('data-src'); });
    };
    toggle.addEventListener('click', function () {
      var on = toggle.getAttribute('aria-pressed') !== 'true';
      toggle.setAttribute('aria-pressed', on ? 'true' : 'false');
      toggle.textContent = on ? 'Hide the page preview' : 'Show the page at phone and desktop widths';
      pane.hidden = !on;
      layout.classList.toggle('previewing', on);
      if (on) { load(); }
    });
    // After each save the frames show the story as now saved.
    var state = document.getElementById('autosave-status');
    if (state && window.MutationObserver) {
      new MutationObserver(function () {
        if (!pane.hidden && state.getAttribute('data-save-state') === 'saved') { load(); }
      }).observe(state, { attributes: true, attributeFilter: ['data-save-state'] });
    }
  }
})();
