// Host names in links are kept as written (Markdig, which renders the body, does the same).
export default { toASCII: (s) => s, toUnicode: (s) => s };
