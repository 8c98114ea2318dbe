// Markdown <-> editor document. The story body is stored as Markdown (the server renders it with
// Markdig into sanitised blocks), so the editor reads that Markdown and writes Markdown back:
//  - every top-level block keeps the exact source text it was read from; a block the writer has not
//    touched is written back byte for byte, and a body with no edits at all is never rewritten;
//  - what the editor cannot show faithfully (raw HTML, code, footnotes, attributes, reference
//    definitions…) becomes a "markdown" block holding its source, shown as source and kept as it is.
import MarkdownIt from 'markdown-it';

// No linkify (it would bring a URL matcher and punycode into the bundle): a bare URL alone on its
// line is found below, and bare URLs inside text are written back without escapes.
const md = new MarkdownIt('commonmark', { html: true })
  .enable(['table', 'strikethrough']);
const LONE_URL = /^https?:\/\/[^\s<>]+$/i;

// ::: name … ::: (Markdig's custom containers): the in-body boxes, e.g. a pull quote.
function containerRule(state, startLine, endLine, silent) {
  const start = state.bMarks[startLine] + state.tShift[startLine];
  const m = /^:::\s*([A-Za-z][\w-]*)\s*$/.exec(state.src.slice(start, state.eMarks[startLine]));
  if (!m) { return false; }
  let close = startLine + 1;
  for (; close < endLine; close++) {
    const s = state.bMarks[close] + state.tShift[close];
    if (state.src.slice(s, state.eMarks[close]).trim() === ':::') { break; }
  }
  if (close >= endLine) { return false; }
  if (silent) { return true; }
  const oldParent = state.parentType, oldMax = state.lineMax;
  const open = state.push('container_open', 'div', 1);
  open.info = m[1];
  open.map = [startLine, close + 1];
  open.block = true;
  state.parentType = 'container';
  state.lineMax = close;
  state.md.block.tokenize(state, startLine + 1, close);
  state.push('container_close', 'div', -1).block = true;
  state.parentType = oldParent;
  state.lineMax = oldMax;
  state.line = close + 1;
  return true;
}
md.block.ruler.before('fence', 'container', containerRule, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });

// Source that the editor must not reinterpret: footnotes, abbreviations, generic attributes,
// Markdig's extra emphasis and task boxes. Such blocks stay as Markdown source.
const KEEP_AS_SOURCE = /\[\^|^\s*\*\[|\{[.#][\w-]|^\s*[-*+]\s+\[[ xX]\]/m;

export function safeHref(href) {
  if (typeof href !== 'string') { return null; }
  const h = href.trim();
  if (/^(https?:|mailto:)/i.test(h) || /^\/(?!\/)/.test(h) || h.startsWith('#')) { return h; }
  return null;
}

export function safeImageSrc(src) {
  if (typeof src !== 'string') { return null; }
  const s = src.trim();
  return /^https?:\/\//i.test(s) || /^\/(?!\/)/.test(s) ? s : null;
}

class Unsupported extends Error {}

function inlineContent(schema, children) {
  const out = [];
  let marks = [];
  const withMark = (type, attrs) => { marks = type.create(attrs).addToSet(marks); };
  const without = (name) => { marks = marks.filter((m) => m.type.name !== name); };
  for (const t of children || []) {
    switch (t.type) {
      case 'text': if (t.content) { out.push(schema.text(t.content, marks)); } break;
      case 'softbreak': out.push(schema.text('\n', marks)); break;
      case 'hardbreak': out.push(schema.nodes.hardBreak.create()); break;
      case 'strong_open': withMark(schema.marks.bold); break;
      case 'strong_close': without('bold'); break;
      case 'em_open': withMark(schema.marks.italic); break;
      case 'em_close': without('italic'); break;
      case 's_open': withMark(schema.marks.strike); break;
      case 's_close': without('strike'); break;
      case 'code_inline': out.push(schema.text(t.content, schema.marks.code.create().addToSet(marks))); break;
      case 'link_open': {
        const href = safeHref(t.attrGet('href'));
        if (!href) { throw new Unsupported(); }
        withMark(schema.marks.link, { href, title: t.attrGet('title') || null });
        break;
      }
      case 'link_close': without('link'); break;
      default: throw new Unsupported(); // inline HTML, a picture inside text…
    }
  }
  return out;
}

// A list of block tokens (between i and the matching close) into editor nodes.
function blocks(schema, tokens, i, end) {
  const nodes = [];
  while (i < end) {
    const [node, next] = block(schema, tokens, i);
    if (node) { nodes.push(node); }
    i = next;
  }
  return nodes;
}

function closing(tokens, i) {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    depth += tokens[j].nesting;
    if (depth === 0) { return j; }
  }
  return tokens.length - 1;
}

function block(schema, tokens, i) {
  const t = tokens[i];
  const n = schema.nodes;
  switch (t.type) {
    case 'paragraph_open': {
      const inline = tokens[i + 1];
      const kids = inline.children || [];
      if (kids.length === 1 && kids[0].type === 'image') {
        const src = safeImageSrc(kids[0].attrGet('src'));
        if (!src) { throw new Unsupported(); }
        return [n.image.create({ src, alt: kids[0].content || '', title: kids[0].attrGet('title') || null }), i + 3];
      }
      if (kids.length === 3 && kids[0].type === 'link_open' && kids[0].markup === 'autolink' && LONE_URL.test(kids[1].content)) {
        return [n.embed.create({ url: kids[1].content, bare: false }), i + 3];
      }
      if (kids.length === 1 && kids[0].type === 'text' && LONE_URL.test(inline.content)) {
        return [n.embed.create({ url: inline.content, bare: true }), i + 3];
      }
      return [n.paragraph.create(null, inlineContent(schema, kids)), i + 3];
    }
    case 'heading_open':
      return [n.heading.create({ level: Number(t.tag.slice(1)) }, inlineContent(schema, tokens[i + 1].children)), i + 3];
    case 'hr':
      return [n.horizontalRule.create(), i + 1];
    case 'blockquote_open': {
      const end = closing(tokens, i);
      return [n.blockquote.create(null, blocks(schema, tokens, i + 1, end)), end + 1];
    }
    case 'container_open': {
      const end = closing(tokens, i);
      return [n.box.create({ kind: t.info }, blocks(schema, tokens, i + 1, end)), end + 1];
    }
    case 'bullet_list_open':
    case 'ordered_list_open': {
      const end = closing(tokens, i);
      const items = [];
      let tight = true;
      for (let j = i + 1; j < end;) {
        const itemEnd = closing(tokens, j);
        for (let k = j + 1; k < itemEnd; k++) {
          if (tokens[k].type === 'paragraph_open' && !tokens[k].hidden) { tight = false; }
        }
        const content = blocks(schema, tokens, j + 1, itemEnd);
        if (content.length === 0 || content[0].type !== n.paragraph) { content.unshift(n.paragraph.create()); }
        items.push(n.listItem.create(null, content));
        j = itemEnd + 1;
      }
      const node = t.type === 'bullet_list_open'
        ? n.bulletList.create({ tight, marker: t.markup }, items)
        : n.orderedList.create({ tight, start: Number(t.attrGet('start') || 1), marker: t.markup }, items);
      return [node, end + 1];
    }
    case 'table_open': {
      const end = closing(tokens, i);
      const rows = [];
      let cells = null;
      for (let j = i + 1; j < end; j++) {
        const c = tokens[j];
        if (c.type === 'tr_open') { cells = []; }
        else if (c.type === 'tr_close') { rows.push(n.tableRow.create(null, cells)); }
        else if (c.type === 'th_open' || c.type === 'td_open') {
          const style = c.attrGet('style') || '';
          const align = (/text-align:\s*(left|right|center)/.exec(style) || [])[1] || null;
          const type = c.type === 'th_open' ? n.tableHeader : n.tableCell;
          cells.push(type.create({ align }, inlineContent(schema, tokens[j + 1].children)));
          j += 2;
        }
      }
      return [n.table.create(null, rows), end + 1];
    }
    default:
      throw new Unsupported(); // code, raw HTML and anything else: kept as source by the caller
  }
}

function lineStarts(src) {
  const starts = [0];
  for (let i = 0; i < src.length; i++) { if (src[i] === '\n') { starts.push(i + 1); } }
  return starts;
}

/**
 * Reads a Markdown body. Returns the document and a map from each top-level node to the exact
 * source it came from and the text that stood between it and the next block (used by the writer
 * to keep untouched blocks, and the blank lines between them, byte for byte).
 */
export function parse(schema, markdown) {
  const src = (markdown || '').replace(/\r\n?/g, '\n');
  const tokens = md.parse(src, {});
  const starts = lineStarts(src);
  const offset = (line) => (line < starts.length ? starts[line] : src.length);
  const nodes = [];
  const sources = new Map();
  const spans = [];
  // A block's source without the blank lines around it, as [from, to) offsets into src.
  const add = (node, from, to) => {
    const text = src.slice(from, to);
    const lead = text.length - text.replace(/^(?:[ \t]*\n)+/, '').length;
    const trail = text.length - text.replace(/\n\s*$/, '').length;
    from += lead;
    to = Math.max(from, to - trail);
    if (!node) {
      if (src.slice(from, to).trim() === '') { return; }
      node = schema.nodes.markdown.create({ source: src.slice(from, to) });
    }
    nodes.push(node);
    spans.push([node, from, to]);
  };
  let line = 0;
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i];
    const end = t.nesting === 1 ? closing(tokens, i) : i;
    const [from, to] = t.map || [line, line];
    if (from > line) { add(null, offset(line), offset(from)); } // what the parser took without a token: reference definitions
    const text = src.slice(offset(from), offset(to));
    let node = null;
    if (!KEEP_AS_SOURCE.test(text)) {
      try { node = block(schema, tokens, i)[0]; node.check(); } catch { node = null; }
    }
    add(node, offset(from), offset(to));
    line = Math.max(line, to);
    i = end + 1;
  }
  if (line < starts.length) { add(null, offset(line), src.length); }
  spans.forEach(([node, from, to], k) => {
    const next = spans[k + 1];
    sources.set(node, { text: src.slice(from, to), after: next ? src.slice(to, next[1]) : null, next: next ? next[0] : null });
  });
  if (nodes.length === 0) { nodes.push(schema.nodes.paragraph.create()); }
  return { doc: schema.nodes.doc.create(null, nodes), sources };
}

// ---- writing ----

function escapeText(text, atLineStart) {
  // Bare URLs (Markdig links them) are left as typed; everything else has Markdown's characters escaped.
  let s = text.split(/(https?:\/\/[^\s<>]+)/i).map((part, i) => (i % 2 ? part : part.replace(/([\\`*_[\]<])/g, '\\$1'))).join('');
  if (atLineStart) {
    s = s.replace(/^(\s*)([#>+-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
  }
  return s;
}

function codeSpan(text) {
  const ticks = (text.match(/`+/g) || []).reduce((a, b) => Math.max(a, b.length), 0);
  const fence = '`'.repeat(ticks + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return fence + pad + text + pad + fence;
}

const MARK_ORDER = ['link', 'bold', 'italic', 'strike', 'code'];
const DELIMS = { bold: ['**', '**'], italic: ['*', '*'], strike: ['~~', '~~'] };

function linkClose(mark) {
  const title = mark.attrs.title ? ' "' + mark.attrs.title.replace(/"/g, '\\"') + '"' : '';
  return '](' + mark.attrs.href.replace(/[()\s]/g, encodeURIComponent) + title + ')';
}

export function serializeInline(node, inTable) {
  let out = '';
  let open = []; // marks currently open, outermost first
  const closeTo = (n) => {
    while (open.length > n) {
      const m = open.pop();
      out += m.type.name === 'link' ? linkClose(m) : DELIMS[m.type.name][1];
    }
  };
  node.forEach((child) => {
    if (child.type.name === 'hardBreak') { closeTo(0); out += inTable ? ' ' : '\\\n'; return; }
    const marks = child.marks.filter((m) => m.type.name !== 'code')
      .sort((a, b) => MARK_ORDER.indexOf(a.type.name) - MARK_ORDER.indexOf(b.type.name));
    let keepOpen = 0;
    while (keepOpen < open.length && keepOpen < marks.length && open[keepOpen].eq(marks[keepOpen])) { keepOpen++; }
    closeTo(keepOpen);
    let text = child.text;
    const code = child.marks.some((m) => m.type.name === 'code');
    // Emphasis cannot start or end on a space: spaces go outside the marks.
    const lead = marks.length > open.length ? (/^\s+/.exec(text) || [''])[0] : '';
    if (lead) { out += lead; text = text.slice(lead.length); }
    const trail = marks.length > 0 && !code ? (/\s+$/.exec(text) || [''])[0] : '';
    if (trail) { text = text.slice(0, text.length - trail.length); }
    for (let i = open.length; i < marks.length; i++) {
      out += marks[i].type.name === 'link' ? '[' : DELIMS[marks[i].type.name][0];
      open.push(marks[i]);
    }
    const atStart = out === '' || out.endsWith('\n');
    let piece = code ? codeSpan(text) : escapeText(text, atStart);
    if (inTable) { piece = piece.replace(/\|/g, '\\|').replace(/\n/g, ' '); }
    out += piece;
    if (trail) { closeTo(0); out += trail; }
  });
  closeTo(0);
  return out;
}

const indent = (text, first, rest) => text.split('\n').map((l, i) => (i === 0 ? first : (l === '' ? '' : rest)) + l).join('\n');

export function serializeBlock(node) {
  switch (node.type.name) {
    case 'paragraph': return serializeInline(node, false);
    case 'heading': return '#'.repeat(node.attrs.level) + ' ' + serializeInline(node, false).replace(/\\\n/g, ' ');
    case 'horizontalRule': return '---';
    case 'markdown': return node.attrs.source;
    case 'image': {
      const title = node.attrs.title ? ' "' + node.attrs.title.replace(/"/g, '\\"') + '"' : '';
      return '![' + escapeText(node.attrs.alt || '', false) + '](' + node.attrs.src.replace(/[()\s]/g, encodeURIComponent) + title + ')';
    }
    case 'embed': return node.attrs.bare ? node.attrs.url : '<' + node.attrs.url + '>';
    case 'blockquote': return childBlocks(node, '\n\n').split('\n').map((l) => (l === '' ? '>' : '> ' + l)).join('\n');
    case 'box': return ':::' + node.attrs.kind + '\n' + childBlocks(node, '\n\n') + '\n:::';
    case 'bulletList':
    case 'orderedList': {
      const items = [];
      let number = node.attrs.start || 1;
      node.forEach((item) => {
        const marker = node.type.name === 'bulletList' ? (node.attrs.marker || '-') + ' ' : number++ + (node.attrs.marker || '.') + ' ';
        const body = childBlocks(item, node.attrs.tight ? '\n' : '\n\n');
        items.push(indent(body, marker, ' '.repeat(marker.length)));
      });
      return items.join(node.attrs.tight ? '\n' : '\n\n');
    }
    case 'table': {
      const rows = [];
      node.forEach((row) => {
        const cells = [];
        row.forEach((cell) => cells.push(serializeInline(cell, true).trim() || ' '));
        rows.push('| ' + cells.join(' | ') + ' |');
      });
      const aligns = [];
      node.firstChild.forEach((cell) => {
        const a = cell.attrs.align;
        aligns.push(a === 'center' ? ':---:' : a === 'right' ? '---:' : a === 'left' ? ':---' : '---');
      });
      rows.splice(1, 0, '| ' + aligns.join(' | ') + ' |');
      return rows.join('\n');
    }
    default: return node.textContent;
  }
}

function childBlocks(node, sep) {
  const parts = [];
  node.forEach((child) => parts.push(serializeBlock(child)));
  // A tight list item holds its paragraph and a nested list on following lines.
  return parts.join(sep);
}

/** Writes the document as Markdown: untouched top-level blocks as they were read, the rest anew. */
export function serialize(doc, sources) {
  return write(doc, sources, null).markdown;
}

/**
 * The document's Markdown (as serialize) and its word count. With a `memo` (a WeakMap kept while the
 * same `sources` stand), each block's Markdown and word count are worked out once per node object:
 * ProseMirror keeps every block a keystroke did not touch as the same object, so typing in a 5,000-word
 * story costs the one block it changed rather than the whole story (bench/editor.md, typing latency).
 */
export function write(doc, sources, memo) {
  let out = '';
  let words = 0;
  let exact = true; // false when a separator could join two words: the count is then taken over the whole text
  let previous = null; // the source record of the block written last, when it was kept as read
  let first = true;
  doc.forEach((node) => {
    const kept = sources && sources.get(node);
    if (!kept && node.type.name === 'paragraph' && node.childCount === 0) { return; }
    // Between two blocks that stood side by side in the source, the text that stood between them.
    const sep = first ? '' : previous && previous.next === node && previous.after !== null ? previous.after : '\n\n';
    let block = memo && memo.get(node);
    if (!block) {
      const text = kept ? kept.text : serializeBlock(node);
      block = { text, words: countWords(text) };
      if (memo) { memo.set(node, block); }
    }
    if (!first && !/^\s+$/.test(sep)) { exact = false; }
    out += sep + block.text;
    words += block.words;
    previous = kept || null;
    first = false;
  });
  return { markdown: out, words: exact ? words : countWords(out) };
}

// A word starts at a letter or digit and runs on through letters, digits, apostrophes and hyphens.
const WORD = /[\p{L}\p{Nd}][\p{L}\p{Nd}'’-]*/gu;

/** The server's word count (BodyDocument.CountWords), so the figure does not jump on save. */
export function countWords(text) {
  let count = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text)) { count++; }
  return count;
}
