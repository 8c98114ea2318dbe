// The newsroom's block editor: mounts over the story body's Markdown textarea and writes Markdown
// back into it, so the form post, autosave, preview and every server check stay as they are.
// Without script the textarea is the editor. Built by editor/build.sh into wwwroot/block-editor.js.
import { Editor } from '@tiptap/core';
import { undo, redo } from '@tiptap/pm/history';
import { addRowAfter, addColumnAfter, deleteRow, deleteColumn, isInTable } from '@tiptap/pm/tables';
import { parse, write, countWords, safeHref, safeImageSrc } from './markdown.js';
import { EXTENSIONS } from './schema.js';


// ---------------------------------------------------------------- paste
// Pasted HTML is reduced to the blocks above by the schema's own parse rules; this first removes
// whatever must never be read at all (scripts, styles, frames, Word's conditional comments).
// Style sheets go and event-handler and style attributes are renamed before any parsing: even in an
// inert DOMParser document Chromium reports (and blocks) them as Content-Security-Policy violations.
function defuseHandlers(html) {
  return html
    .replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, '')
    .replace(/<[^>]*>/g, (tag) => tag.replace(/([\s/"'])(on[a-z]+|style)(\s*=)/gi, '$1data-dropped-$2$3'));
}

function cleanPastedHtml(html) {
  const doc = new DOMParser().parseFromString(defuseHandlers(html), 'text/html');
  doc.querySelectorAll('script, style, iframe, object, embed, link, meta, template, svg, math, noscript, form, input, button, select, textarea').forEach((el) => el.remove());
  doc.querySelectorAll('*').forEach((el) => {
    for (const a of Array.from(el.attributes)) {
      if (!['href', 'src', 'alt', 'title', 'start', 'data-embed', 'data-box', 'align'].includes(a.name)) { el.removeAttribute(a.name); }
    }
  });
  return doc.body.innerHTML;
}

// ---------------------------------------------------------------- mounting
function button(label, text, title) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  const words = text.toLowerCase().replace(/[^\p{L}\p{Nd}]+/gu, ' ').trim();
  if (!words || label.toLowerCase().includes(words)) {
    b.setAttribute('aria-label', label);
  } else {
    // An abbreviation on the button ("H2", "1. List"): its name starts with what is shown, so a
    // speech user can say it, and goes on with what it does.
    const said = document.createElement('span');
    said.className = 'visually-hidden';
    said.textContent = ' ' + label;
    b.append(said);
  }
  b.title = title || label;
  return b;
}

function mount(textarea) {
  const field = textarea.closest('.body-field') || textarea.parentElement;
  const label = field.querySelector('label[for="' + textarea.id + '"]');
  const mdToolbar = field.querySelector('.md-toolbar');
  const panes = textarea.closest('.editor-panes') || textarea.parentElement;
  const wordCount = document.getElementById('word-count');
  const readingTime = document.getElementById('reading-time');

  const wrap = document.createElement('div');
  wrap.className = 'block-editor';
  wrap.setAttribute('data-block-editor', '');
  const toolbar = document.createElement('div');
  toolbar.className = 'be-toolbar';
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Body formatting');
  const surface = document.createElement('div');
  surface.className = 'be-surface story-body';
  wrap.append(toolbar, surface);
  panes.parentElement.insertBefore(wrap, panes);

  let baseline = textarea.value;
  let baselineWords = 0;
  let sources = new Map();
  // Each block's Markdown and word count, per node object, for the sources read last (markdown.js write).
  let memo = new WeakMap();
  let baseDoc = null;
  let writing = false;

  const editor = new Editor({
    element: surface,
    extensions: EXTENSIONS,
    injectCSS: false,
    content: null,
    editorProps: {
      attributes: {
        role: 'textbox', 'aria-multiline': 'true', spellcheck: 'true', class: 'be-content',
        ...(label ? { 'aria-labelledby': label.id || (label.id = textarea.id + '-label') } : { 'aria-label': 'Body' }),
      },
      transformPastedHTML: cleanPastedHtml,
      // Plain text pasted is read as Markdown, so a pasted Markdown draft keeps its structure.
      clipboardTextParser: (text, $context, plain, view) => {
        const { doc } = parse(view.state.schema, text);
        return doc.slice(0, doc.content.size);
      },
    },
  });

  function load(markdown) {
    const parsed = parse(editor.schema, markdown);
    sources = parsed.sources;
    memo = new WeakMap();
    baseline = markdown;
    baselineWords = countWords(markdown);
    const state = editor.state;
    const tr = state.tr.replaceWith(0, state.doc.content.size, parsed.doc.content).setMeta('addToHistory', false).setMeta('byline-load', true);
    editor.view.dispatch(tr);
    baseDoc = editor.state.doc;
    stats(baselineWords);
  }

  function stats(words) {
    if (wordCount) { wordCount.textContent = String(words); }
    if (readingTime) { readingTime.textContent = String(words === 0 ? 0 : Math.max(1, Math.ceil(words / 230))); }
  }

  // The body as Markdown with its word count; the stored text itself while nothing differs from it.
  function current() {
    const doc = editor.state.doc;
    return baseDoc && doc.eq(baseDoc) ? { markdown: baseline, words: baselineWords } : write(doc, sources, memo);
  }

  editor.on('update', ({ transaction }) => {
    if (transaction.getMeta('byline-load')) { return; }
    const { markdown, words } = current();
    stats(words);
    if (markdown === textarea.value) { return; }
    writing = true;
    textarea.value = markdown;
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    writing = false;
  });
  // Someone else set the textarea (a restored local copy, the Markdown view): read it again.
  textarea.addEventListener('byline:body-replaced', () => load(textarea.value));
  textarea.addEventListener('input', () => { if (!writing && wrap.hidden === false && textarea.hidden) { load(textarea.value); } });

  // ---- toolbar ----
  const chain = () => editor.chain().focus();
  const actions = [
    ['Paragraph', '¶', () => chain().setNode('paragraph').run()],
    ['Heading', 'H2', () => chain().toggleNode('heading', 'paragraph', { level: 2 }).run()],
    ['Subheading', 'H3', () => chain().toggleNode('heading', 'paragraph', { level: 3 }).run()],
    ['Bold', 'B', () => chain().toggleMark('bold').run()],
    ['Italic', 'I', () => chain().toggleMark('italic').run()],
    ['Link', 'Link', () => {
      const existing = editor.getAttributes('link').href || '';
      const url = window.prompt('Link to (https://…); empty removes the link', existing);
      if (url === null) { return; }
      const href = safeHref(url);
      if (!url.trim()) { chain().extendMarkRange('link').unsetMark('link').run(); }
      else if (href) {
        if (editor.state.selection.empty && !existing) { chain().insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run(); }
        else { chain().extendMarkRange('link').setMark('link', { href }).run(); }
      }
    }],
    ['Bulleted list', '• List', () => chain().toggleList('bulletList', 'listItem').run()],
    ['Numbered list', '1. List', () => chain().toggleList('orderedList', 'listItem').run()],
    ['Quote', '“ ”', () => chain().toggleWrap('blockquote').run()],
    ['Pull quote', 'Pull quote', () => chain().toggleWrap('box', { kind: 'pullquote' }).run()],
    ['Divider', '—', () => chain().insertContent({ type: 'horizontalRule' }).run()],
    ['Table', 'Table', () => {
      const cell = (type) => ({ type, content: [] });
      const row = (type) => ({ type: 'tableRow', content: [cell(type), cell(type)] });
      chain().insertContent({ type: 'table', content: [row('tableHeader'), row('tableCell')] }).run();
    }],
    ['Add table row', '+ Row', () => addRowAfter(editor.state, editor.view.dispatch), 'table'],
    ['Add table column', '+ Column', () => addColumnAfter(editor.state, editor.view.dispatch), 'table'],
    ['Delete table row', '− Row', () => deleteRow(editor.state, editor.view.dispatch), 'table'],
    ['Delete table column', '− Column', () => deleteColumn(editor.state, editor.view.dispatch), 'table'],
    ['Embed a URL', 'Embed', () => {
      const url = window.prompt('URL to embed (a post, a video…)');
      if (url && /^https?:\/\/\S+$/i.test(url.trim())) { chain().insertContent({ type: 'embed', attrs: { url: url.trim() } }).run(); }
    }],
    ['Undo', '↶', () => undo(editor.state, editor.view.dispatch)],
    ['Redo', '↷', () => redo(editor.state, editor.view.dispatch)],
  ];
  const tableButtons = [];
  for (const [labelText, text, run, only] of actions) {
    const b = button(labelText, text);
    b.setAttribute('data-be', labelText.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
    b.addEventListener('click', () => run());
    if (only === 'table') { tableButtons.push(b); b.hidden = true; }
    toolbar.append(b);
  }
  // The media library picker (newsroom-editor.js) inserts the chosen picture through insertImage.
  const picture = button('Picture from the media library', 'Picture');
  picture.setAttribute('data-pick', 'body');
  toolbar.insertBefore(picture, toolbar.querySelector('[data-be="embed-a-url"]'));
  const toggle = button('Edit the body as Markdown', 'Markdown');
  toggle.setAttribute('aria-pressed', 'false');
  toggle.setAttribute('data-be-mode', '');
  toolbar.append(toggle);

  editor.on('selectionUpdate', () => { const inTable = isInTable(editor.state); tableButtons.forEach((b) => { b.hidden = !inTable; }); });
  editor.on('transaction', () => { const inTable = isInTable(editor.state); tableButtons.forEach((b) => { b.hidden = !inTable; }); });

  // ---- Markdown view: the textarea itself, with its own toolbar ----
  function showMarkdown(on) {
    toggle.setAttribute('aria-pressed', on ? 'true' : 'false');
    surface.hidden = on;
    Array.from(toolbar.children).forEach((b) => { if (b !== toggle) { b.hidden = on || tableButtons.includes(b) && !isInTable(editor.state); } });
    textarea.hidden = on ? false : true;
    if (mdToolbar) { mdToolbar.hidden = !on; }
    if (!on) { load(textarea.value); editor.commands.focus(); } else { textarea.focus(); }
  }
  toggle.addEventListener('click', () => showMarkdown(toggle.getAttribute('aria-pressed') !== 'true'));

  textarea.hidden = true;
  if (mdToolbar) { mdToolbar.hidden = true; }
  load(textarea.value);
  wrap.classList.add('be-ready');

  const api = {
    editor,
    active: () => !surface.hidden,
    insertImage: (item) => {
      if (surface.hidden) { return false; }
      const src = safeImageSrc(item.src);
      if (!src) { return false; }
      chain().insertContent({ type: 'image', attrs: { src, alt: item.alt || '' } }).run();
      return true;
    },
    markdown: () => current().markdown,
  };
  return api;
}

const textarea = document.getElementById('story-body');
if (textarea && textarea.form) {
  window.BylineBlockEditor = mount(textarea);
  // Ready: the whole body is parsed into blocks and shown, the toolbar works and BylineBlockEditor is set.
  // bench/editor-speed.sh times navigation start to this mark (and to the first frame painted after it).
  performance.mark('byline:editor-ready');
  textarea.form.dispatchEvent(new CustomEvent('byline:editor-ready', { bubbles: true }));
}
