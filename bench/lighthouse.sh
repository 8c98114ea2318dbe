#!/usr/bin/env bash
# bench/lighthouse.sh — Lighthouse scores (performance, accessibility, best practices, SEO) of the
# home page and one article page, mobile (default) and desktop, on Byline with demo content.
#
#   bash bench/lighthouse.sh
#
# Uses Lighthouse 12.2.3 installed under bench/.work/node (npm, no global install) and the system
# Chromium (CHROME_PATH, default /usr/bin/chromium); downloads no browser. The site runs from a fresh
# temporary SQLite file with Byline__DemoContent=true on 127.0.0.1:5182.
# Env: SKIP_BUILD=1 ARTICLE_PATH LH_TIMEOUT (300 s per report) LH_FORM_FACTORS ("mobile desktop")
#      LH_MOBILE_HEIGHT (a taller phone screen, e.g. 2400, so the ad server loads during the measurement)
#      ADS=gam: also configure Google Ad Manager for every ad position against a local stub GPT script
#      (python3 http.server on 127.0.0.1:5184; the CSP follows the ad settings), consent not required; the demo's
#      house ads are on in both modes (docs/ads.md). Reports then go to bench/.work/lighthouse-gam/.
# Output: JSON reports and summary.md in bench/.work/lighthouse/; the table is printed.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

LH_VERSION=12.2.3; PORT=5182
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
trap stop_started EXIT
trap 'exit 130' INT TERM

need_cmds curl:curl node:nodejs npm:npm
[ -x "$CHROME_PATH" ] || die "no Chromium at $CHROME_PATH (apt-get install -y chromium, or set CHROME_PATH)"
mkdir -p "$WORK"
export CHROMIUM_VERSION="$("$CHROME_PATH" --version 2>/dev/null | awk '{print $2}' || true)"

NODE_DIR="$WORK/node"; LH="$NODE_DIR/node_modules/.bin/lighthouse"
if [ ! -x "$LH" ] || [ "$(node -p "require('$NODE_DIR/node_modules/lighthouse/package.json').version" 2>/dev/null)" != "$LH_VERSION" ]; then
  log "npm install lighthouse@$LH_VERSION -> $NODE_DIR"
  mkdir -p "$NODE_DIR"
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error "lighthouse@$LH_VERSION" >&2
fi

build_app
OUTD="$WORK/lighthouse${ADS:+-$ADS}${LH_MOBILE_HEIGHT:+-tall}"; rm -rf "$OUTD"; mkdir -p "$OUTD"
SITE_DIR="$(mktemp -d "$WORK/lh-site.XXXXXX")"
MEDIA="$SITE_DIR/media"   # demo images go with the throwaway database
start_site "$PORT" "$SITE_DIR/byline.db" "$OUTD/site.log" "Byline__DemoContent=true"
BASE="http://127.0.0.1:$PORT"
if [ "${ADS:-}" = gam ]; then
  # A stand-in for GPT that fills each slot with a box of its first size, as an ad server would.
  STUB_PORT=5184; mkdir -p "$SITE_DIR/stub"
  cat >"$SITE_DIR/stub/gpt.js" <<'JS'
(function () {
  var q = (window.googletag && window.googletag.cmd) || [];
  var listeners = [];
  var pubads = { addEventListener: function (n, f) { listeners.push(f); }, enableSingleRequest: function () {}, setForceSafeFrame: function () {} };
  var tag = {
    cmd: { push: function (f) { f(); } },
    pubads: function () { return pubads; },
    enableServices: function () {},
    defineSlot: function (unit, sizes, id) { var s = { id: id, sizes: sizes, addService: function () { return s; }, setTargeting: function () { return s; } }; tag._slots[id] = s; return s; },
    display: function (id) {
      var s = tag._slots[id], el = document.getElementById(id), size = s.sizes[s.sizes.length - 1];
      var box = document.createElement('div');
      box.style.width = size[0] + 'px'; box.style.height = size[1] + 'px'; box.style.background = '#ccd';
      el.appendChild(box);
      listeners.forEach(function (f) { f({ slot: s, isEmpty: false }); });
    },
    _slots: {}
  };
  window.googletag = tag;
  q.forEach(function (f) { f(); });
})();
JS
  (cd "$SITE_DIR/stub" && exec python3 -m http.server "$STUB_PORT" --bind 127.0.0.1) >"$OUTD/stub.log" 2>&1 &
  STARTED_PIDS+=("$!")
  stop_pid "$SITE_PID"
  python3 - "$SITE_DIR/byline.db" "http://127.0.0.1:$STUB_PORT/gpt.js" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
doc = json.loads(db.execute("SELECT Json FROM Settings WHERE Key = 'site'").fetchone()[0])
ads = doc.get('ads') or {}
ads.update({'gamNetworkCode': '21812345', 'gamScriptUrl': sys.argv[2], 'consentRequired': False,
            'positions': [{'key': k, 'enabled': True, 'mobileSizes': m, 'desktopSizes': d, 'gamUnit': '/21812345/' + k, 'prebidBids': ''}
                          for k, m, d in [('home-top', '320x50,300x250', '728x90,970x250'), ('section-top', '320x50,300x250', '728x90,970x250'),
                                          ('article-body', '300x250', '300x250,728x90'), ('list-top', '320x50', '728x90'), ('shows-top', '320x50,300x250', '728x90,970x250')]]})
doc['ads'] = ads
db.execute("UPDATE Settings SET Json = ? WHERE Key = 'site'", (json.dumps(doc),))
db.commit()
PY
  # No Byline:SecurityHeaders change: the reader pages' policy adds the GPT script's origin by itself (docs/ads.md).
  start_site "$PORT" "$SITE_DIR/byline.db" "$OUTD/site.log" "Byline__DemoContent=true"
fi
ARTICLE_PATH="${ARTICLE_PATH:-$(first_article_path "$BASE" || true)}"
[ -n "$ARTICLE_PATH" ] || die "no article link found on $BASE/"
log "article: $ARTICLE_PATH"

run_lh() {  # run_lh <name> <url> <form factor>
  local extra=()
  [ "$3" = desktop ] && extra=(--preset=desktop)
  # LH_MOBILE_HEIGHT: a taller phone screen (412 x N), so that slots below the usual first screen are near it
  # and ads.js loads the ad server during the measurement (Lighthouse does not scroll).
  [ "$3" = mobile ] && [ -n "${LH_MOBILE_HEIGHT:-}" ] && extra=(--screenEmulation.mobile --screenEmulation.width=412 \
    "--screenEmulation.height=$LH_MOBILE_HEIGHT" --screenEmulation.deviceScaleFactor=1.75)
  log "lighthouse $1 ($3)"
  timeout "${LH_TIMEOUT:-300}" node "$LH" "$2" "${extra[@]}" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="$CHROME_FLAGS" --output=json --output-path="$OUTD/$1.$3.json" --quiet \
    || die "lighthouse failed for $2 ($3)"
}
for ff in ${LH_FORM_FACTORS:-mobile desktop}; do
  run_lh home "$BASE/" "$ff"
  run_lh article "$BASE$ARTICLE_PATH" "$ff"
done
stop_started
rm -rf "$SITE_DIR"

# Scores, and for every category under 95 the audits that did not pass (with the elements named).
node - "$OUTD" "$ARTICLE_PATH" "$LH_VERSION" >"$OUTD/summary.md" <<'EOF'
const fs = require('fs'), path = require('path');
const [dir, articlePath, version] = process.argv.slice(2);
const cats = ['performance', 'accessibility', 'best-practices', 'seo'];
const rows = [], failing = [], warnings = new Set();
for (const page of ['home', 'article']) for (const ff of ['mobile', 'desktop']) {
  if (!fs.existsSync(path.join(dir, `${page}.${ff}.json`))) continue;  // LH_FORM_FACTORS left it out
  const r = JSON.parse(fs.readFileSync(path.join(dir, `${page}.${ff}.json`), 'utf8'));
  const s = cats.map(c => r.categories[c].score == null ? '–' : Math.round(r.categories[c].score * 100));
  rows.push(`| ${page} (\`${page === 'home' ? '/' : articlePath}\`) | ${ff} | ${s.join(' | ')} |`);
  cats.forEach((c, i) => {
    const under = typeof s[i] === 'number' && s[i] < 95;
    for (const ref of r.categories[c].auditRefs) {
      const a = r.audits[ref.id];
      if (!a || a.score === null || a.score >= 0.9) continue;
      if (['notApplicable', 'manual', 'informative'].includes(a.scoreDisplayMode)) continue;
      const items = (a.details && a.details.items) || [];
      const where = items.slice(0, 4).map(it => {
        const n = it.node || (it.source && it.source.type === 'node' ? it.source : null);
        if (n) return '`' + (n.selector || n.snippet || '').slice(0, 90) + '`';
        if (it.url) return '`' + String(it.url).replace(/^https?:\/\/[^/]+/, '') + '`';
        const at = it.sourceLocation && it.sourceLocation.url ? ` (\`${String(it.sourceLocation.url).replace(/^https?:\/\/[^/]+/, '')}\`)` : '';
        if (it.description) return String(it.description).slice(0, 90) + at;
        return null;
      }).filter(Boolean);
      failing.push(`| ${page} | ${ff} | ${under ? '**' + c + ' (' + s[i] + ')**' : c + ' (' + s[i] + ')'} | ${ref.weight || 0} | \`${a.id}\` | ${a.title.replace(/\|/g, '\\|')} | ${a.displayValue || ''} | ${where.join(', ')}${items.length > 4 ? ` (+${items.length - 4})` : ''} |`);
    }
  });
  for (const w of r.runWarnings || []) warnings.add(`${page}/${ff}: ${w.replace(/\s*Learn more.*$/s, '')}`);
}
console.log(`Lighthouse ${version}, Chromium ${process.env.CHROMIUM_VERSION || ''}`.trim() + '\n');
console.log('| page | form factor | performance | accessibility | best practices | SEO |');
console.log('|---|---|---:|---:|---:|---:|');
rows.forEach(r => console.log(r));
if (failing.length) {
  console.log('\nAudits not passed (score under 0.9; categories scoring under 95 in bold; weight = share in the category score):\n');
  console.log('| page | form factor | category (score) | weight | audit id | title | value | elements / resources |');
  console.log('|---|---|---|---:|---|---|---|---|');
  failing.forEach(f => console.log(f));
}
if (warnings.size) { console.log('\nLighthouse run warnings:\n'); warnings.forEach(w => console.log(`- ${w}`)); }
EOF
cat "$OUTD/summary.md"
