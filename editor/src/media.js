// The block editor's pictures and embeds, built by editor/build.sh into wwwroot/block-editor-media.js: a
// separate file loaded after the editor (deferred), so the editor's own bundle stays small. It imports
// nothing from the editor's packages: it works through window.BylineBlockEditor (its TipTap editor).
//  - a picture file dropped or pasted into the body, or dropped on the lead-picture slot, is uploaded
//    (POST /newsroom/media?handler=Json, the media library's own checks) with a progress bar; the body
//    picture then asks for its alt text and caption inline, and shows the credit the library holds;
//  - a link pasted alone on an empty line becomes an embed block, previewed with the server's own
//    rendering (GET /newsroom/api/embed): the player readers get, or a link card read from the page.
const PICTURE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
const credits = new Map();
const previews = new Map();

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (v !== null && v !== undefined) { e.setAttribute(k, v); } }
  e.append(...children);
  return e;
}

function megabytes(bytes) { return (bytes / 1048576).toFixed(1).replace(/\.0$/, '') + ' MB'; }

function pictureFiles(transfer) { return Array.from((transfer && transfer.files) || []); }

function tokenOf(form) {
  const t = form && form.querySelector('input[name="__RequestVerificationToken"]');
  return t ? t.value : '';
}

// ---------------------------------------------------------------- uploads
// One row per file in the status list: its name, a progress bar, then what happened.
function uploadRow(list, file) {
  const bar = el('progress', { max: '100', 'aria-label': 'Uploading ' + file.name });
  bar.value = 0;
  const said = el('span', { class: 'be-upload-said' });
  const row = el('li', { class: 'be-upload', 'data-be-upload': 'uploading' }, el('span', { class: 'be-upload-name' }, file.name + ' '), bar, said);
  list.append(row);
  return {
    progress: (p) => { bar.value = p; },
    done: (text) => { row.setAttribute('data-be-upload', 'done'); bar.value = 100; said.textContent = ' ' + text; setTimeout(() => row.remove(), 4000); },
    failed: (text) => { row.setAttribute('data-be-upload', 'failed'); row.setAttribute('role', 'alert'); bar.remove(); said.textContent = ' ' + text; },
  };
}

// Checks a file before sending it; the server checks everything again.
function refusal(file, max) {
  if (!PICTURE_TYPES.includes(file.type)) {
    return '“' + file.name + '” is not a picture: drop or paste a JPEG, PNG, WebP or GIF. Your text is unchanged.';
  }
  if (max > 0 && file.size > max) {
    return '“' + file.name + '” is ' + megabytes(file.size) + '; pictures may be at most ' + megabytes(max) + '. Your text is unchanged.';
  }
  return null;
}

function upload(file, form, row) {
  return new Promise((resolve) => {
    const data = new FormData();
    data.append('Upload', file);
    data.append('__RequestVerificationToken', tokenOf(form));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/newsroom/media?handler=Json');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) { row.progress(Math.round(95 * e.loaded / e.total)); } });
    xhr.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status === 201 && body && body.src) { row.done('Uploaded.'); resolve(body); return; }
      row.failed('Not uploaded: ' + ((body && body.detail) || 'the server refused it (' + xhr.status + ').') + ' Your text is unchanged.');
      resolve(null);
    });
    xhr.addEventListener('error', () => { row.failed('Not uploaded: the connection was lost. Your text is unchanged.'); resolve(null); });
    xhr.send(data);
  });
}

async function uploadAll(files, form, list, max, place) {
  for (const file of files) {
    const row = uploadRow(list, file);
    const why = refusal(file, max);
    if (why) { row.failed(why); continue; }
    const picture = await upload(file, form, row);
    if (picture) { credits.set(picture.src, picture.credit || ''); place(picture); }
  }
}

// ---------------------------------------------------------------- the picture block
// The picture's alt text and caption are asked in the block itself; they are the picture's Markdown
// (![alt](src "caption")). The credit is the library's, shown for the writer to see.
function pictureView(editor) {
  return (node, view, getPos) => {
    const img = el('img', { src: node.attrs.src, alt: node.attrs.alt || '' });
    const n = String(Math.random()).slice(2, 10);
    const alt = el('input', { id: 'be-alt-' + n, 'data-be-alt': '', maxlength: '500', placeholder: 'What the picture shows, for readers who cannot see it' });
    const caption = el('input', { id: 'be-caption-' + n, 'data-be-caption': '', maxlength: '1000' });
    const credit = el('p', { class: 'be-credit', 'data-be-credit': '' });
    const fields = el('div', { class: 'be-picture-fields', contenteditable: 'false' },
      el('label', { for: alt.id }, 'Alt text'), alt, el('label', { for: caption.id }, 'Caption'), caption, credit);
    const dom = el('figure', { class: 'be-figure be-picture', 'data-be-picture': '' }, img, fields);
    let current = node;
    function show(n2) {
      img.src = n2.attrs.src; img.alt = n2.attrs.alt || '';
      if (document.activeElement !== alt) { alt.value = n2.attrs.alt || ''; }
      if (document.activeElement !== caption) { caption.value = n2.attrs.title || ''; }
      dom.toggleAttribute('data-needs-alt', !(n2.attrs.alt || '').trim());
      const c = credits.get(n2.attrs.src);
      credit.textContent = c ? 'Credit (from the library): ' + c : '';
    }
    function write() {
      const pos = getPos();
      if (typeof pos !== 'number') { return; }
      const attrs = { ...current.attrs, alt: alt.value.replace(/[\r\n]+/g, ' '), title: caption.value.replace(/[\r\n"]+/g, ' ') || null };
      view.dispatch(view.state.tr.setNodeMarkup(pos, null, attrs));
    }
    alt.addEventListener('input', write);
    caption.addEventListener('input', write);
    show(node);
    return {
      dom,
      update: (next) => { if (next.type !== current.type) { return false; } current = next; show(next); return true; },
      stopEvent: (e) => e.target === alt || e.target === caption,
      ignoreMutation: () => true,
      focusAlt: () => alt.focus(),
    };
  };
}

// ---------------------------------------------------------------- the embed block
function preview(url) {
  if (!previews.has(url)) {
    previews.set(url, fetch('/newsroom/api/embed?url=' + encodeURIComponent(url), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((r) => r.json().then((body) => (r.ok ? body : { kind: 'error', message: body.detail || 'No preview.' })))
      .catch(() => { previews.delete(url); return { kind: 'error', message: 'No preview: the newsroom could not be reached.' }; }));
  }
  return previews.get(url);
}

function embedView() {
  return (node) => {
    const shown = el('div', { class: 'be-embed-preview', 'data-be-embed-preview': 'loading', contenteditable: 'false' }, 'Loading the preview…');
    const dom = el('figure', { class: 'be-embed', 'data-embed': node.attrs.url },
      el('span', { class: 'be-embed-label' }, 'Embed'), el('span', { class: 'be-embed-url' }, node.attrs.url), shown);
    let url = null;
    function show(n2) {
      if (n2.attrs.url === url) { return; }
      url = n2.attrs.url;
      dom.setAttribute('data-embed', url);
      dom.querySelector('.be-embed-url').textContent = url;
      preview(url).then((p) => {
        if (url !== n2.attrs.url) { return; }
        shown.setAttribute('data-be-embed-preview', p.kind);
        // The server's own markup for readers (encoded there): the player or the link card.
        if (p.html) { shown.innerHTML = p.html; } else { shown.textContent = p.message || 'No preview.'; }
        if (p.message && p.html) { shown.append(el('p', { class: 'be-embed-note' }, p.message)); }
      });
    }
    show(node);
    return { dom, update: (next) => { if (next.type.name !== 'embed') { return false; } show(next); return true; }, ignoreMutation: () => true, stopEvent: () => false };
  };
}

// ---------------------------------------------------------------- wiring
function attach(api) {
  const editor = api.editor;
  const view = editor.view;
  const textarea = document.getElementById('story-body');
  const form = textarea && textarea.form;
  const limit = document.querySelector('[data-upload-limit]');
  const max = limit ? Number(limit.getAttribute('data-upload-limit')) : 0;
  const wrap = view.dom.closest('[data-block-editor]');
  const list = el('ul', { class: 'be-uploads', 'data-be-uploads': '', 'aria-live': 'polite', 'aria-label': 'Picture uploads' });
  wrap.insertBefore(list, wrap.querySelector('.be-surface'));

  view.setProps({ nodeViews: { image: pictureView(editor), embed: embedView() } });

  function insertAt(pos) {
    return (picture) => {
      const type = view.state.schema.nodes.image;
      const node = type.create({ src: picture.src, alt: picture.alt || '', title: picture.caption || null });
      const at = Math.min(pos, view.state.doc.content.size);
      const $pos = view.state.doc.resolve(at);
      // A block goes between blocks: after the one the drop or the cursor is in.
      const between = $pos.depth === 0 ? at : $pos.after(1);
      view.dispatch(view.state.tr.insert(between, node));
      pos = between + node.nodeSize;
      const dom = view.nodeDOM(between);
      const input = dom && dom.querySelector && dom.querySelector('[data-be-alt]');
      if (input) { input.focus(); }
    };
  }

  view.dom.addEventListener('drop', (e) => {
    const files = pictureFiles(e.dataTransfer);
    if (files.length === 0) { return; }
    e.preventDefault();
    e.stopPropagation();
    // Where it was dropped; a drop without coordinates (a script's) goes where the cursor is.
    const at = e.clientX || e.clientY ? view.posAtCoords({ left: e.clientX, top: e.clientY }) : null;
    uploadAll(files, form, list, max, insertAt(at ? at.pos : view.state.selection.from));
  }, true);

  view.dom.addEventListener('paste', (e) => {
    const files = pictureFiles(e.clipboardData);
    if (files.length > 0) {
      e.preventDefault();
      e.stopPropagation();
      uploadAll(files, form, list, max, insertAt(view.state.selection.from));
      return;
    }
    // A link pasted alone on an empty line becomes an embed.
    const text = (e.clipboardData && e.clipboardData.getData('text/plain') || '').trim();
    const { $from, empty } = view.state.selection;
    if (!empty || !/^https?:\/\/[^\s<>"]+$/i.test(text) || text.length > 2000) { return; }
    if ($from.depth !== 1 || $from.parent.type.name !== 'paragraph' || $from.parent.content.size !== 0) { return; }
    e.preventDefault();
    e.stopPropagation();
    const embed = view.state.schema.nodes.embed.create({ url: text });
    view.dispatch(view.state.tr.replaceWith($from.before(1), $from.after(1), embed));
  }, true);
}

// The lead-picture slot takes a dropped picture too; the library's alt, caption and credit fill empty fields.
function attachLead() {
  const slot = document.querySelector('[data-drop-lead]');
  if (!slot) { return; }
  const form = slot.closest('form');
  const limit = document.querySelector('[data-upload-limit]');
  const max = limit ? Number(limit.getAttribute('data-upload-limit')) : 0;
  const list = el('ul', { class: 'be-uploads', 'data-lead-uploads': '', 'aria-live': 'polite', 'aria-label': 'Lead picture upload' });
  slot.append(list);
  slot.addEventListener('dragover', (e) => { if (e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files')) { e.preventDefault(); slot.classList.add('drop-here'); } });
  slot.addEventListener('dragleave', () => slot.classList.remove('drop-here'));
  slot.addEventListener('drop', (e) => {
    const files = pictureFiles(e.dataTransfer).slice(0, 1);
    slot.classList.remove('drop-here');
    if (files.length === 0) { return; }
    e.preventDefault();
    uploadAll(files, form, list, max, (picture) => {
      document.getElementById('lead-image-id').value = picture.id;
      const shown = document.getElementById('lead-image-preview');
      shown.replaceChildren(el('img', { src: picture.thumb, alt: picture.alt || '', width: '240' }));
      for (const [name, value] of [['Form.LeadImageAlt', picture.alt], ['Form.LeadImageCaption', picture.caption], ['Form.LeadImageCredit', picture.credit]]) {
        const f = form.querySelector('[name="' + name + '"]');
        if (f && !f.value && value) { f.value = value; }
      }
      form.dispatchEvent(new Event('input', { bubbles: true }));
    });
  });
}

attachLead();
if (window.BylineBlockEditor) { attach(window.BylineBlockEditor); }
