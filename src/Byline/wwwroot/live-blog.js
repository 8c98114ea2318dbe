// Live blog reader: follows /live-updates/{id} (server-sent events) and puts each update where it
// belongs. The page passes the event id it was rendered with, so a page served from a cache first
// catches up on what it missed. The entries' HTML is made and sanitised by the server.
(() => {
  'use strict';
  const root = document.querySelector('section.live-blog[data-live-stream]');
  if (!root || !('EventSource' in window)) return;
  const pinnedSlot = root.querySelector('.live-pinned');
  const list = root.querySelector('.live-updates');
  const announce = root.querySelector('.live-announce');
  const empty = root.querySelector('.live-empty');
  const hasOlder = !!root.querySelector('.live-older');
  let fresh = 0;

  const parse = (html) => {
    const t = document.createElement('template');
    t.innerHTML = html;
    return t.content.firstElementChild;
  };
  const idOf = (el) => Number(el.dataset.updateId);
  const find = (id) => root.querySelector('[data-update-id="' + id + '"]');

  const place = (m) => {
    const current = find(m.id);
    if (current && Number(current.dataset.version) > m.version) return false;
    const node = parse(m.html);
    if (!node) return false;
    if (m.pinned) {
      pinnedSlot.querySelectorAll('.live-update').forEach((p) => { if (idOf(p) !== m.id) p.remove(); });
      if (current) current.remove();
      pinnedSlot.appendChild(node);
    } else {
      if (current) current.remove();
      const after = Array.from(list.children).find((c) => idOf(c) < m.id);
      if (after) list.insertBefore(node, after);
      else if (!hasOlder || !list.children.length) list.appendChild(node);
      else return false; // older than this page shows
    }
    if (!current) {
      node.classList.add('is-new');
      fresh++;
    }
    if (empty) empty.hidden = true;
    return true;
  };

  const tell = () => {
    if (fresh > 0) {
      announce.textContent = fresh === 1 ? '1 new update' : fresh + ' new updates';
      fresh = 0;
    }
  };

  const source = new EventSource(root.dataset.liveStream + '?cursor=' + encodeURIComponent(root.dataset.liveCursor || ''));
  source.onmessage = (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch { return; }
    switch (m.type) {
      case 'update':
        place(m);
        break;
      case 'remove': {
        const el = find(m.id);
        if (el) el.remove();
        break;
      }
      case 'reset': {
        const keep = new Set(m.items.map((i) => i.id));
        const oldest = Math.min(...m.items.map((i) => i.id));
        root.querySelectorAll('.live-update').forEach((el) => {
          if (!keep.has(idOf(el)) && (idOf(el) >= oldest || el.parentElement === pinnedSlot)) el.remove();
        });
        m.items.forEach(place);
        break;
      }
      case 'ended': {
        const state = root.querySelector('.live-state');
        state.dataset.liveState = 'ended';
        state.innerHTML = m.html;
        root.classList.add('is-ended');
        announce.textContent = 'The live blog has ended.';
        source.close();
        break;
      }
      case 'reopened':
        root.classList.remove('is-ended');
        break;
    }
    tell();
  };
})();
