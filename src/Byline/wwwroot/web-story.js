// Web stories: one full-screen page at a time. Next/previous by a tap on the right/left half, a
// swipe, the arrow keys, Space and Page Up/Down, or the buttons; the page is announced to screen
// readers. Where scripts are off every page is shown, stacked, and the story scrolls; where they run,
// web-story.css already lays out one page at a time (a media query), so nothing moves when this starts.
(function () {
  'use strict';
  var story = document.querySelector('.web-story');
  if (!story) { return; }
  var pages = Array.prototype.slice.call(story.querySelectorAll('.ws-page'));
  if (pages.length === 0) { return; }
  var bars = Array.prototype.slice.call(story.querySelectorAll('.ws-bar'));
  var area = story.querySelector('.ws-pages');
  var status = story.querySelector('.ws-status');
  var nav = story.querySelector('.ws-nav');
  var prev = story.querySelector('.ws-prev');
  var next = story.querySelector('.ws-next');
  var end = story.querySelector('.ws-end');
  var current = -1;

  nav.hidden = false;

  function go(index, announce) {
    index = Math.max(0, Math.min(pages.length - 1, index));
    if (index === current) { return; }
    current = index;
    pages.forEach(function (p, i) { p.hidden = i !== index; });
    bars.forEach(function (b, i) {
      b.classList.toggle('is-done', i < index);
      b.classList.toggle('is-active', i === index);
    });
    prev.disabled = index === 0;
    next.disabled = index === pages.length - 1;
    end.classList.toggle('is-shown', index === pages.length - 1);
    story.setAttribute('data-current', String(index + 1));
    if (history.replaceState) { history.replaceState(null, '', '#page-' + (index + 1)); }
    if (announce) {
      var heading = pages[index].querySelector('.ws-heading');
      status.textContent = 'Page ' + (index + 1) + ' of ' + pages.length + (heading ? ': ' + heading.textContent : '');
    }
    // The next picture starts loading before it is needed.
    var ahead = pages[index + 1] && pages[index + 1].querySelector('img[loading=lazy]');
    if (ahead) { ahead.loading = 'eager'; }
  }
  function forward() { go(current + 1, true); }
  function back() { go(current - 1, true); }

  var start = /^#page-(\d+)$/.exec(location.hash);
  go(start ? parseInt(start[1], 10) - 1 : 0, false);

  prev.addEventListener('click', back);
  next.addEventListener('click', forward);

  document.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var onControl = ev.target.closest && ev.target.closest('a, button, input, textarea, select');
    switch (ev.key) {
      case 'ArrowRight': case 'PageDown': forward(); break;
      case 'ArrowLeft': case 'PageUp': back(); break;
      case ' ': case 'Spacebar':
        // Space on a focused link or button is that control's own.
        if (onControl) { return; }
        if (ev.shiftKey) { back(); } else { forward(); }
        break;
      case 'Home': go(0, true); break;
      case 'End': go(pages.length - 1, true); break;
      default: return;
    }
    ev.preventDefault();
  });

  // A tap on the right half moves on, on the left half back; a horizontal swipe of 40 px or more
  // moves the other way round (swipe left = next), and then the click that follows is ignored.
  var startX = null, startY = null, swiped = false;
  area.addEventListener('pointerdown', function (ev) { startX = ev.clientX; startY = ev.clientY; swiped = false; });
  area.addEventListener('pointerup', function (ev) {
    if (startX === null) { return; }
    var dx = ev.clientX - startX, dy = ev.clientY - startY;
    startX = startY = null;
    if (Math.abs(dx) >= 40 && Math.abs(dx) > Math.abs(dy)) {
      swiped = true;
      if (dx < 0) { forward(); } else { back(); }
    }
  });
  area.addEventListener('pointercancel', function () { startX = startY = null; });
  area.addEventListener('click', function (ev) {
    if (swiped) { swiped = false; return; }
    if (ev.target.closest('a, button')) { return; }
    var box = area.getBoundingClientRect();
    if (ev.clientX - box.left >= box.width / 2) { forward(); } else { back(); }
  });
})();
