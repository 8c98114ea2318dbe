// Wire desk keys: j / k move the focus down / up the list of items, Enter opens the focused one (a plain link).
(function () {
  'use strict';
  var list = document.querySelector('[data-wire-list]');
  if (!list) { return; }
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) { return; }
    if (e.key !== 'j' && e.key !== 'k') { return; }
    var links = Array.prototype.slice.call(list.querySelectorAll('a[data-wire-item]'));
    if (links.length === 0) { return; }
    var at = links.indexOf(document.activeElement);
    if (at < 0) {
      var current = list.querySelector('li[aria-current="true"] > a[data-wire-item]');
      at = current ? links.indexOf(current) : -1;
      at = e.key === 'j' ? at + 1 : Math.max(at - 1, 0);
      if (at === -1) { at = 0; }
    } else {
      at = e.key === 'j' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    }
    e.preventDefault();
    links[Math.min(at, links.length - 1)].focus();
  });
})();
