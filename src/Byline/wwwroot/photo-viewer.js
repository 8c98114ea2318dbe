// Photo stories: a full-screen viewer over the plain list of figures. Open a picture, move with the
// arrow keys, the buttons or a swipe, close with Escape; focus goes back to the picture it came from.
// Without this script the list of figures is the whole (complete) experience.
(function () {
  'use strict';
  var story = document.querySelector('.photo-story');
  if (!story || !window.HTMLDialogElement) { return; }
  var photos = Array.prototype.slice.call(story.querySelectorAll('li.photo'));
  if (photos.length === 0) { return; }
  var current = 0, opener = null;

  var viewer = document.createElement('dialog');
  viewer.className = 'photo-viewer';
  viewer.setAttribute('aria-label', 'Photo viewer');
  viewer.innerHTML =
    '<div class="pv-stage"><img class="pv-image" alt=""></div>' +
    '<div class="pv-bar">' +
    '<p class="pv-counter" aria-live="polite" aria-atomic="true"></p>' +
    '<p class="pv-caption"></p>' +
    '</div>' +
    '<button type="button" class="pv-prev" aria-label="Previous photo">‹</button>' +
    '<button type="button" class="pv-next" aria-label="Next photo">›</button>' +
    '<button type="button" class="pv-close" aria-label="Close the photo viewer">×</button>';
  document.body.appendChild(viewer);
  var image = viewer.querySelector('.pv-image');
  var counter = viewer.querySelector('.pv-counter');
  var caption = viewer.querySelector('.pv-caption');
  var prev = viewer.querySelector('.pv-prev');
  var next = viewer.querySelector('.pv-next');

  function show(index) {
    current = Math.max(0, Math.min(photos.length - 1, index));
    var item = photos[current];
    var source = item.querySelector('picture img');
    var webp = item.querySelector('picture source');
    image.removeAttribute('srcset');
    image.src = source.currentSrc || source.src;
    // The widest rendition the browser thinks fits the whole screen.
    image.srcset = (webp && webp.srcset) || source.srcset;
    image.sizes = '100vw';
    image.alt = source.alt;
    var text = item.querySelector('figcaption .caption');
    var credit = item.querySelector('figcaption .credit');
    caption.textContent = (text ? text.textContent : '') + (credit ? '  ' + credit.textContent : '');
    counter.textContent = (current + 1) + ' / ' + photos.length;
    viewer.setAttribute('data-index', String(current + 1));
    prev.disabled = current === 0;
    next.disabled = current === photos.length - 1;
  }

  function open(index, from) {
    opener = from || null;
    show(index);
    if (!viewer.open) { viewer.showModal(); }
    (next.disabled ? viewer.querySelector('.pv-close') : next).focus();
  }

  function close() { if (viewer.open) { viewer.close(); } }

  viewer.addEventListener('close', function () {
    // Back to where the reader was, at the picture they last saw.
    var link = photos[current].querySelector('a.photo-open');
    (link || opener || story).focus();
  });

  photos.forEach(function (item, i) {
    var link = item.querySelector('a.photo-open');
    if (!link) { return; }
    link.addEventListener('click', function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) { return; }
      ev.preventDefault();
      open(i, link);
    });
  });
  prev.addEventListener('click', function () { show(current - 1); if (prev.disabled) { next.focus(); } });
  next.addEventListener('click', function () { show(current + 1); if (next.disabled) { prev.focus(); } });
  viewer.querySelector('.pv-close').addEventListener('click', close);

  viewer.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowRight') { ev.preventDefault(); show(current + 1); }
    else if (ev.key === 'ArrowLeft') { ev.preventDefault(); show(current - 1); }
    else if (ev.key === 'Home') { ev.preventDefault(); show(0); }
    else if (ev.key === 'End') { ev.preventDefault(); show(photos.length - 1); }
    // Escape is the dialog's own: it fires 'cancel' and closes.
  });

  // Swipe: a mostly horizontal drag of 40 px or more moves one picture.
  var startX = null, startY = null;
  var stage = viewer.querySelector('.pv-stage');
  stage.addEventListener('pointerdown', function (ev) { startX = ev.clientX; startY = ev.clientY; });
  stage.addEventListener('pointerup', function (ev) {
    if (startX === null) { return; }
    var dx = ev.clientX - startX, dy = ev.clientY - startY;
    startX = startY = null;
    if (Math.abs(dx) >= 40 && Math.abs(dx) > Math.abs(dy)) { show(current + (dx < 0 ? 1 : -1)); }
  });
  stage.addEventListener('pointercancel', function () { startX = startY = null; });
  // A click on the backdrop area around the picture closes, as readers expect of a lightbox.
  viewer.addEventListener('click', function (ev) { if (ev.target === viewer) { close(); } });
})();
