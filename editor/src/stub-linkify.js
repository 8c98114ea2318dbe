// Stands in for markdown-it's URL matcher, which the editor leaves off (bare URLs are found in
// markdown.js): keeps it and its punycode out of the bundle.
export class LinkifyIt {
  test() { return false; }
  pretest() { return false; }
  match() { return null; }
  matchAtStart() { return null; }
  set() { return this; }
}
