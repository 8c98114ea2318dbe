// The editor's blocks and marks: what a story body can hold (docs/editor.md maps each to Markdown).
import { Extension, Mark, Node, markInputRule, textblockTypeInputRule, wrappingInputRule, nodeInputRule, mergeAttributes } from '@tiptap/core';
import { history, undo, redo } from '@tiptap/pm/history';
import { tableEditing, goToNextCell } from '@tiptap/pm/tables';
import { splitListItem, liftListItem, sinkListItem } from '@tiptap/pm/schema-list';
import { safeHref, safeImageSrc } from './markdown.js';

const Doc = Node.create({ name: 'doc', topNode: true, content: 'block+' });
const Text = Node.create({ name: 'text', group: 'inline' });
const Paragraph = Node.create({
  name: 'paragraph', group: 'block', content: 'inline*', priority: 1000,
  parseHTML: () => [{ tag: 'p' }],
  renderHTML: ({ HTMLAttributes }) => ['p', HTMLAttributes, 0],
  addCommands: () => ({ setParagraph: () => ({ commands }) => commands.setNode('paragraph') }),
});
const HardBreak = Node.create({
  name: 'hardBreak', group: 'inline', inline: true, selectable: false,
  parseHTML: () => [{ tag: 'br' }],
  renderHTML: () => ['br'],
  addKeyboardShortcuts() { return { 'Shift-Enter': () => this.editor.commands.insertContent({ type: 'hardBreak' }) }; },
});
const Heading = Node.create({
  name: 'heading', group: 'block', content: 'inline*', defining: true,
  addAttributes: () => ({ level: { default: 2, rendered: false } }),
  parseHTML: () => [1, 2, 3, 4, 5, 6].map((level) => ({ tag: 'h' + level, attrs: { level: Math.max(2, level) } })),
  renderHTML: ({ node, HTMLAttributes }) => ['h' + node.attrs.level, HTMLAttributes, 0],
  addInputRules() {
    return [textblockTypeInputRule({ find: /^(#{2,4})\s$/, type: this.type, getAttributes: (m) => ({ level: m[1].length }) })];
  },
});
const Blockquote = Node.create({
  name: 'blockquote', group: 'block', content: 'block+', defining: true,
  parseHTML: () => [{ tag: 'blockquote' }],
  renderHTML: ({ HTMLAttributes }) => ['blockquote', HTMLAttributes, 0],
  addInputRules() { return [wrappingInputRule({ find: /^\s*>\s$/, type: this.type })]; },
});
// An in-body box written as a Markdig custom container (::: kind … :::); a pull quote is one.
const Box = Node.create({
  name: 'box', group: 'block', content: 'block+', defining: true,
  addAttributes: () => ({ kind: { default: 'pullquote', parseHTML: (el) => el.getAttribute('data-box'), renderHTML: (a) => ({ 'data-box': a.kind }) } }),
  parseHTML: () => [{ tag: 'aside[data-box]' }],
  renderHTML: ({ node, HTMLAttributes }) => ['aside', mergeAttributes(HTMLAttributes, { class: 'be-box be-box-' + node.attrs.kind, 'aria-label': node.attrs.kind === 'pullquote' ? 'Pull quote' : 'Box: ' + node.attrs.kind }), 0],
});
const listAttrs = (extra) => () => ({ tight: { default: true, rendered: false }, marker: { default: null, rendered: false }, ...extra });
const BulletList = Node.create({
  name: 'bulletList', group: 'block', content: 'listItem+',
  addAttributes: listAttrs({}),
  parseHTML: () => [{ tag: 'ul' }],
  renderHTML: ({ HTMLAttributes }) => ['ul', HTMLAttributes, 0],
  addInputRules() { return [wrappingInputRule({ find: /^\s*([-+*])\s$/, type: this.type })]; },
});
const OrderedList = Node.create({
  name: 'orderedList', group: 'block', content: 'listItem+',
  addAttributes: listAttrs({ start: { default: 1, parseHTML: (el) => Number(el.getAttribute('start') || 1), renderHTML: (a) => (a.start === 1 ? {} : { start: a.start }) } }),
  parseHTML: () => [{ tag: 'ol' }],
  renderHTML: ({ HTMLAttributes }) => ['ol', HTMLAttributes, 0],
  addInputRules() {
    return [wrappingInputRule({ find: /^(\d+)\.\s$/, type: this.type, getAttributes: (m) => ({ start: Number(m[1]) }), joinPredicate: (m, n) => n.childCount + n.attrs.start === Number(m[1]) })];
  },
});
const ListItem = Node.create({
  name: 'listItem', content: 'paragraph block*', defining: true,
  parseHTML: () => [{ tag: 'li' }],
  renderHTML: ({ HTMLAttributes }) => ['li', HTMLAttributes, 0],
  addKeyboardShortcuts() {
    const type = () => this.type;
    const run = (cmd) => () => cmd(type())(this.editor.state, this.editor.view.dispatch);
    return { Enter: run(splitListItem), Tab: run(sinkListItem), 'Shift-Tab': run(liftListItem) };
  },
});
const HorizontalRule = Node.create({
  name: 'horizontalRule', group: 'block',
  parseHTML: () => [{ tag: 'hr' }],
  renderHTML: () => ['hr'],
  addInputRules() { return [nodeInputRule({ find: /^(?:---|___|\*\*\*)$/, type: this.type })]; },
});
const Image = Node.create({
  name: 'image', group: 'block', atom: true, draggable: true,
  addAttributes: () => ({ src: { default: null }, alt: { default: '' }, title: { default: null } }),
  parseHTML: () => [{
    tag: 'img[src]',
    getAttrs: (el) => { const src = safeImageSrc(el.getAttribute('src')); return src ? { src, alt: el.getAttribute('alt') || '', title: el.getAttribute('title') } : false; },
  }],
  renderHTML: ({ node }) => ['figure', { class: 'be-figure' }, ['img', { src: node.attrs.src, alt: node.attrs.alt || '', title: node.attrs.title }], ['figcaption', {}, node.attrs.alt ? 'Alt text: ' + node.attrs.alt : 'No alt text']],
});
// A URL standing alone: the server turns it into a video player or a link card (Content/Embeds.cs).
const Embed = Node.create({
  name: 'embed', group: 'block', atom: true, draggable: true,
  addAttributes: () => ({ url: { default: '' }, bare: { default: false, rendered: false } }),
  parseHTML: () => [{ tag: 'figure[data-embed]', getAttrs: (el) => { const url = el.getAttribute('data-embed'); return /^https?:\/\//i.test(url || '') ? { url } : false; } }],
  renderHTML: ({ node }) => ['figure', { class: 'be-embed', 'data-embed': node.attrs.url }, ['span', { class: 'be-embed-label' }, 'Embed'], ['span', { class: 'be-embed-url' }, node.attrs.url]],
});
// Markdown the editor does not show as blocks (code, raw HTML, footnotes…): kept as its source.
const MarkdownBlock = Node.create({
  name: 'markdown', group: 'block', atom: true,
  addAttributes: () => ({ source: { default: '', rendered: false } }),
  renderHTML: ({ node }) => ['div', { class: 'be-source', 'data-source': '' }, ['span', { class: 'be-source-label' }, 'Markdown'], ['pre', {}, node.attrs.source]],
});
const cellAttrs = () => ({
  align: { default: null, parseHTML: (el) => el.style.textAlign || el.getAttribute('align') || null, renderHTML: () => ({}) },
  colspan: { default: 1, rendered: false }, rowspan: { default: 1, rendered: false }, colwidth: { default: null, rendered: false },
});
const Table = Node.create({
  name: 'table', group: 'block', content: 'tableRow+', isolating: true, tableRole: 'table',
  parseHTML: () => [{ tag: 'table' }],
  renderHTML: () => ['table', { class: 'be-table' }, ['tbody', 0]],
  addProseMirrorPlugins: () => [tableEditing()],
  addKeyboardShortcuts() {
    const go = (dir) => () => goToNextCell(dir)(this.editor.state, this.editor.view.dispatch);
    return { Tab: go(1), 'Shift-Tab': go(-1) };
  },
});
const TableRow = Node.create({ name: 'tableRow', content: '(tableCell | tableHeader)+', tableRole: 'row', parseHTML: () => [{ tag: 'tr' }], renderHTML: () => ['tr', 0] });
const TableHeader = Node.create({ name: 'tableHeader', content: 'inline*', tableRole: 'header_cell', isolating: true, addAttributes: cellAttrs, parseHTML: () => [{ tag: 'th' }], renderHTML: () => ['th', 0] });
const TableCell = Node.create({ name: 'tableCell', content: 'inline*', tableRole: 'cell', isolating: true, addAttributes: cellAttrs, parseHTML: () => [{ tag: 'td' }], renderHTML: () => ['td', 0] });

const Bold = Mark.create({
  name: 'bold',
  parseHTML: () => [{ tag: 'strong' }, { tag: 'b', getAttrs: (el) => el.style.fontWeight !== 'normal' && null }, { style: 'font-weight=bold' }, { style: 'font-weight=700' }],
  renderHTML: () => ['strong', 0],
  addInputRules() { return [markInputRule({ find: /(?:^|\s)(\*\*(?!\s+\*\*)((?:[^*]+))\*\*(?!\s+\*\*))$/, type: this.type })]; },
  addKeyboardShortcuts() { return { 'Mod-b': () => this.editor.commands.toggleMark('bold') }; },
});
const Italic = Mark.create({
  name: 'italic',
  parseHTML: () => [{ tag: 'em' }, { tag: 'i', getAttrs: (el) => el.style.fontStyle !== 'normal' && null }, { style: 'font-style=italic' }],
  renderHTML: () => ['em', 0],
  addInputRules() { return [markInputRule({ find: /(?:^|\s)(\*(?!\s+\*)((?:[^*]+))\*(?!\s+\*))$/, type: this.type })]; },
  addKeyboardShortcuts() { return { 'Mod-i': () => this.editor.commands.toggleMark('italic') }; },
});
const Strike = Mark.create({
  name: 'strike',
  parseHTML: () => [{ tag: 's' }, { tag: 'del' }, { tag: 'strike' }],
  renderHTML: () => ['s', 0],
  addInputRules() { return [markInputRule({ find: /(?:^|\s)(~~(?!\s+~~)((?:[^~]+))~~(?!\s+~~))$/, type: this.type })]; },
});
const Code = Mark.create({
  name: 'code', excludes: '_', code: true,
  parseHTML: () => [{ tag: 'code' }],
  renderHTML: () => ['code', 0],
  addInputRules() { return [markInputRule({ find: /(?:^|\s)(`(?!\s+`)((?:[^`]+))`(?!\s+`))$/, type: this.type })]; },
});
const Link = Mark.create({
  name: 'link', inclusive: false,
  addAttributes: () => ({ href: { default: null }, title: { default: null } }),
  parseHTML: () => [{ tag: 'a[href]', getAttrs: (el) => { const href = safeHref(el.getAttribute('href')); return href ? { href, title: el.getAttribute('title') } : false; } }],
  renderHTML: ({ HTMLAttributes }) => ['a', mergeAttributes(HTMLAttributes, { rel: 'noopener nofollow' }), 0],
});

const History = Extension.create({
  name: 'history',
  addProseMirrorPlugins: () => [history()],
  addKeyboardShortcuts() {
    const run = (cmd) => () => cmd(this.editor.state, this.editor.view.dispatch);
    return { 'Mod-z': run(undo), 'Shift-Mod-z': run(redo), 'Mod-y': run(redo) };
  },
});

export const EXTENSIONS = [Doc, Text, Paragraph, HardBreak, Heading, Blockquote, Box, BulletList, OrderedList, ListItem, HorizontalRule,
  Image, Embed, MarkdownBlock, Table, TableRow, TableHeader, TableCell, Bold, Italic, Strike, Code, Link, History];

