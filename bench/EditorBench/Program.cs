using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

// The block editor's speed in Chromium (issue 19), against a running Byline (see bench/editor-speed.sh):
//  open    navigation start → the editor mounted with a 5,000-word body and the first frame painted after it,
//          beside the same page with the block editor's scripts blocked (the Markdown textarea is then the editor);
//  typing  per keystroke, the key event → the first frame painted after the text changed, typing at a person's
//          pace in the middle of the 5,000-word story, beside the same typing in the page's Markdown view and in
//          two textareas added to the page with nothing listening (one holding the same text, one empty);
//  autosave the request the editor's autosave sends (the story form, 5,000 words), end to end from the page,
//          alternated with the live preview's request and GET /healthz from the same page.
//
// dotnet bench/EditorBench/bin/Release/net10.0/EditorBench.dll <baseUrl> <email> <password> <label> [parts=open,typing,autosave]
// Knobs (environment): BENCH_OPENS (12 warm opens of each kind; half as many cold), BENCH_KEYS (300 keystrokes per
// editor), BENCH_SAVES (200 autosaves), BENCH_CHROMIUM (/usr/bin/chromium). Prints Markdown.
var inv = CultureInfo.InvariantCulture;
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: EditorBench <baseUrl> <email> <password> <label> [parts=open,typing,autosave]");
    return 2;
}
var baseUrl = args[0].TrimEnd('/');
var email = args[1];
var password = args[2];
var label = args[3];
var parts = (args.Length > 4 ? args[4] : "open,typing,autosave").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var opens = Knob("BENCH_OPENS", 12);
var keys = Knob("BENCH_KEYS", 300);
var saves = Knob("BENCH_SAVES", 200);
var chromium = Environment.GetEnvironmentVariable("BENCH_CHROMIUM") ?? "/usr/bin/chromium";
if (!File.Exists(chromium))
{
    Console.Error.WriteLine($"{chromium} is missing: apt-get install -y chromium");
    return 1;
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = chromium,
    Headless = true,
    Timeout = 60_000,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
var desktop = new ViewportSize { Width = 1366, Height = 900 };

// ---- sign in once; every context below starts from these cookies ----
string signedIn;
await using (var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = desktop }))
{
    var page = await context.NewPageAsync();
    await page.GotoAsync("/newsroom/signin");
    await page.Locator("form[data-form=signin] input[name=Email]").FillAsync(email);
    await page.Locator("form[data-form=signin] input[name=Password]").FillAsync(password);
    await page.Locator("form[data-form=signin] [type=submit]").ClickAsync();
    await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/newsroom/signin", StringComparison.Ordinal), new() { Timeout = 30_000 });
    signedIn = await context.StorageStateAsync();
}
Task<IBrowserContext> NewContextAsync() =>
    browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = desktop, StorageState = signedIn });

Console.WriteLine($"## {label}");
Console.WriteLine();
Console.WriteLine($"{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", inv)} UTC; Chromium {browser.Version}, headless, {desktop.Width}×{desktop.Height}; {Environment.ProcessorCount} cores; load before {Load()}");
Console.WriteLine();

// ---- the 5,000-word story, written in the Markdown view and saved through the form ----
var markdown = FiveThousandWords();
var (storyPath, words) = await NewStoryAsync();
// BENCH_BEFORE_BUNDLE: another build of block-editor.js (e.g. before a change), served to a second page in place of
// the site's, on a story of its own, typed in beside the others in the same run.
var beforeBundle = Environment.GetEnvironmentVariable("BENCH_BEFORE_BUNDLE") is { Length: > 0 } before ? await File.ReadAllBytesAsync(before) : null;
Console.WriteLine($"Story {storyPath}: {words} words (the page's own count), {markdown.Length:N0} characters of Markdown, {markdown.Split("\n\n").Length:N0} blocks.");
Console.WriteLine();

async Task<(string Path, string Words)> NewStoryAsync()
{
    await using var context = await NewContextAsync();
    var page = await context.NewPageAsync();
    await page.GotoAsync("/newsroom/stories/new");
    await page.Locator("input[name='Form.Headline']").FillAsync("Editor bench: five thousand words " + Guid.NewGuid().ToString("N")[..6]);
    await page.Locator("[data-be-mode]").ClickAsync();
    await page.Locator("#story-body").FillAsync(markdown);
    var section = await page.Locator("select[name='Form.SectionId'] option[value]:not([value=''])").First.GetAttributeAsync("value");
    await page.Locator("select[name='Form.SectionId']").SelectOptionAsync(section ?? "");
    await page.Locator("button.act-save").ClickAsync();
    await page.WaitForURLAsync(new Regex(@"/newsroom/stories/\d+(\?|$)"), new() { Timeout = 60_000 });
    return (new Uri(page.Url).AbsolutePath, await page.Locator("#word-count").InnerTextAsync());
}

foreach (var part in parts)
{
    switch (part)
    {
        case "open":
            await OpenAsync();
            break;
        case "typing":
            await TypingAsync();
            break;
        case "autosave":
            await AutosaveAsync();
            break;
        default:
            Console.Error.WriteLine($"unknown part {part} (open, typing, autosave)");
            return 2;
    }
}
return 0;

// ================================================================ open
async Task OpenAsync()
{
    // Times are from navigation start (performance.timeOrigin). The init script notes DOMContentLoaded (all deferred
    // scripts have run: the editor and its media part) and the first frame painted after it.
    const string probe = """
        window.__open = {};
        document.addEventListener('DOMContentLoaded', () => {
          window.__open.dcl = performance.now();
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => { window.__open.painted = performance.now(); };
            ch.port2.postMessage(0);
          });
        });
        """;
    var lineStart = Load();
    var idleStart = Cpu.Sample();
    var rows = new Dictionary<string, List<OpenTiming>>();
    await using var blockWarm = await NewContextAsync();
    await using var plainWarm = await NewContextAsync();
    await blockWarm.AddInitScriptAsync(probe);
    await plainWarm.AddInitScriptAsync(probe);
    await BlockEditorScripts(plainWarm);
    var blockPage = await blockWarm.NewPageAsync();
    var plainPage = await plainWarm.NewPageAsync();
    // Warm-ups: the browser's cache and V8's code cache hold the scripts, as for an editor opening her next story.
    for (var i = 0; i < 3; i++)
    {
        await OpenOnceAsync(blockPage, true);
        await OpenOnceAsync(plainPage, false);
    }
    for (var i = 0; i < opens; i++)
    {
        // Alternated so that a change in the machine's load falls on both.
        foreach (var block in i % 2 == 0 ? new[] { true, false } : [false, true])
        {
            var t = await OpenOnceAsync(block ? blockPage : plainPage, block);
            Add(rows, block ? "block editor, warm cache" : "reference: Markdown textarea only (block editor's scripts blocked), warm cache", t);
        }
    }
    // Cold: a new context each time (no HTTP cache, no code cache), as the first story opened in a fresh browser.
    for (var i = 0; i < Math.Max(2, opens / 2); i++)
    {
        foreach (var block in i % 2 == 0 ? new[] { true, false } : [false, true])
        {
            await using var cold = await NewContextAsync();
            await cold.AddInitScriptAsync(probe);
            if (!block)
            {
                await BlockEditorScripts(cold);
            }
            var t = await OpenOnceAsync(await cold.NewPageAsync(), block);
            Add(rows, block ? "block editor, cold (new browser context)" : "reference: Markdown textarea only, cold", t);
        }
    }
    Console.WriteLine($"### Opening the editor on the 5,000-word story ({opens} warm and {Math.Max(2, opens / 2)} cold opens of each kind, alternated; load {lineStart} → {Load()}, machine idle {Cpu.IdleSince(idleStart)} %)");
    Console.WriteLine();
    Console.WriteLine("Milliseconds from navigation start, median (p95). *Ready*: the `byline:editor-ready` mark (the body parsed into blocks and shown); *painted*: the first frame after DOMContentLoaded (every deferred script, the media part included, has run).");
    Console.WriteLine();
    Console.WriteLine("| page | n | first byte | DOMContentLoaded | editor ready | **ready and painted** |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach (var (name, list) in rows)
    {
        Console.WriteLine($"| {name} | {list.Count} | {Cell(list.Select(t => t.FirstByte))} | {Cell(list.Select(t => t.ContentLoaded))} | {(list.All(t => t.Ready is null) ? "—" : Cell(list.Select(t => t.Ready ?? 0)))} | **{Cell(list.Select(t => t.Painted))}** |");
    }
    var warmBlock = Median(rows.First().Value.Select(t => t.Painted));
    var warmPlain = Median(rows.Skip(1).First().Value.Select(t => t.Painted));
    Console.WriteLine();
    Console.WriteLine($"Warm: the block editor is painted {warmBlock - warmPlain:0} ms after the Markdown-only page (ratio {warmBlock / warmPlain:0.00}). Target < 500 ms: **{(Percentile(rows.First().Value.Select(t => t.Painted), 95) < 500 ? "met" : "not met")}** at p95 warm.");
    Console.WriteLine();
}

async Task<OpenTiming> OpenOnceAsync(IPage page, bool block)
{
    await page.GotoAsync(storyPath, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
    await page.WaitForFunctionAsync("() => window.__open && window.__open.painted", null, new() { Timeout = 30_000 });
    var json = await page.EvaluateAsync<JsonElement>("""
        () => {
          const nav = performance.getEntriesByType('navigation')[0];
          const mark = performance.getEntriesByName('byline:editor-ready')[0];
          return {
            firstByte: nav.responseStart, dcl: window.__open.dcl, painted: window.__open.painted,
            ready: mark ? mark.startTime : null,
            blocks: document.querySelectorAll('.be-content > *').length,
            textareaShown: !document.getElementById('story-body').hidden,
          };
        }
        """);
    var ready = json.GetProperty("ready").ValueKind == JsonValueKind.Null ? (double?)null : json.GetProperty("ready").GetDouble();
    // A measurement of the wrong page is worse than none.
    if (block && (ready is null || json.GetProperty("blocks").GetInt32() < 50))
    {
        throw new InvalidOperationException($"the block editor did not mount with the story ({json})");
    }
    if (!block && (ready is not null || !json.GetProperty("textareaShown").GetBoolean()))
    {
        throw new InvalidOperationException($"the reference page still ran the block editor ({json})");
    }
    return new OpenTiming(json.GetProperty("firstByte").GetDouble(), json.GetProperty("dcl").GetDouble(), ready, json.GetProperty("painted").GetDouble());
}

static Task BlockEditorScripts(IBrowserContext context) =>
    context.RouteAsync(new Regex(@"/block-editor(-media)?\.js"), route => route.AbortAsync());

// ================================================================ typing
async Task TypingAsync()
{
    // Per keystroke: t0 = the keydown event's time stamp (when the browser took the key); the first `input` after it
    // (the editable surface or the textarea changed) posts a task that notes when everything that event set off has
    // run (handlers, ProseMirror's transaction, the editor writing the Markdown back), and asks for the next frame;
    // a task posted from that frame's requestAnimationFrame runs once the frame is painted.
    const string probe = """
        () => {
          window.__keys = [];
          window.__slow = [];
          let pending = null;
          addEventListener('keydown', (e) => { pending = { t0: e.timeStamp }; window.__keys.push(pending); }, true);
          addEventListener('input', () => {
            const r = pending;
            if (!r || r.input !== undefined) { return; }
            r.input = performance.now();
            const done = new MessageChannel();
            done.port1.onmessage = () => { r.done = performance.now(); };
            done.port2.postMessage(0);
            requestAnimationFrame(() => {
              const painted = new MessageChannel();
              painted.port1.onmessage = () => { r.painted = performance.now(); };
              painted.port2.postMessage(0);
            });
          }, true);
          // Chromium's own measure (Event Timing): interactions of 16 ms and more (rounded to 8 ms; shorter ones are
          // not reported at all).
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
              if (e.interactionId) { window.__slow.push({ id: e.interactionId, name: e.name, duration: e.duration }); }
            }
          }).observe({ type: 'event', durationThreshold: 16 });
        }
        """;
    var lineStart = Load();
    var idleStart = Cpu.Sample();
    await using var context = await NewContextAsync();
    var page = await EditorPageAsync(context, storyPath);
    // The bare references: textareas outside the form, nothing listening; one with the same text (a browser's own
    // cost of a 33 KB textarea), one empty (what this machine takes to show any keystroke at this load).
    await page.EvaluateAsync("""
        () => {
          for (const [id, text] of [['bench-bare', document.getElementById('story-body').value], ['bench-empty', '']]) {
            const bare = document.createElement('textarea');
            bare.id = id;
            bare.setAttribute('aria-label', 'Bench reference ' + id);
            bare.rows = 6;
            bare.style.cssText = 'display:block;width:100%;font:inherit';
            bare.value = text;
            document.querySelector('.block-editor').before(bare);
          }
        }
        """);
    await page.EvaluateAsync(probe);
    var pages = new Dictionary<string, IPage>();
    await using var beforeContext = await NewContextAsync();
    const string BeforeVariant = "block editor, the build before (BENCH_BEFORE_BUNDLE)";
    if (beforeBundle is not null)
    {
        await beforeContext.RouteAsync(new Regex(@"/block-editor\.js"), route => route.FulfillAsync(new() { Status = 200, ContentType = "text/javascript", BodyBytes = beforeBundle }));
        var beforePage = await EditorPageAsync(beforeContext, (await NewStoryAsync()).Path);
        await beforePage.EvaluateAsync(probe);
        pages[BeforeVariant] = beforePage;
    }

    var text = Sentences(keys);
    string[] variants = [
        "block editor", .. pages.Keys, "reference: Markdown view (the textarea the form posts)",
        "reference: bare textarea, same text (no listeners)", "reference: empty textarea (no listeners)"];
    var samples = variants.ToDictionary(v => v, _ => new List<KeyTiming>());
    var slow = variants.ToDictionary(v => v, _ => 0);
    const int Rounds = 6;
    var chunk = (text.Length + Rounds - 1) / Rounds;
    var random = new Random(19);
    for (var round = 0; round < Rounds; round++)
    {
        var piece = text.Substring(round * chunk, Math.Min(chunk, text.Length - (round * chunk)));
        if (piece.Length == 0)
        {
            break;
        }
        // Each round in another order.
        for (var k = 0; k < variants.Length; k++)
        {
            var variant = variants[(round + k) % variants.Length];
            var on = pages.GetValueOrDefault(variant, page);
            await on.BringToFrontAsync();
            await PlaceCaretAsync(on, variant);
            await on.EvaluateAsync("() => { window.__keys.length = 0; window.__slow.length = 0; }");
            foreach (var c in piece)
            {
                await on.Keyboard.TypeAsync(c.ToString());
                // A person's pace: 70–170 ms between keys (about 70–100 words a minute), a breath after a sentence.
                await Task.Delay(c == '.' ? 450 : 70 + random.Next(100));
            }
            await on.WaitForFunctionAsync("() => window.__keys.every(k => k.painted !== undefined)", null, new() { Timeout = 30_000 });
            var got = (await on.EvaluateAsync<JsonElement>("() => window.__keys.map(k => [k.t0, k.input ?? -1, k.done ?? -1, k.painted])"))
                .EnumerateArray().Select(k => new KeyTiming(k[0].GetDouble(), k[1].GetDouble(), k[2].GetDouble(), k[3].GetDouble())).ToList();
            if (got.Count != piece.Length || got.Any(k => k.Input < 0 || k.Done < 0))
            {
                throw new InvalidOperationException($"{variant}: {got.Count} keystrokes seen (or one without an input event) for {piece.Length} typed");
            }
            // The text arrived where it was typed (the block editor writes it into the Markdown the form posts).
            var holder = variant.Contains("bare", StringComparison.Ordinal) ? "#bench-bare" : variant.Contains("empty", StringComparison.Ordinal) ? "#bench-empty" : "#story-body";
            if (!(await on.Locator(holder).InputValueAsync()).Contains(piece.Trim(), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{variant}: “{piece.Trim()}” is not in {holder} after typing it");
            }
            samples[variant].AddRange(got);
            slow[variant] += await on.EvaluateAsync<int>("() => new Set(window.__slow.map(e => e.id)).size");
        }
    }
    Console.WriteLine($"### Typing in the middle of the 5,000-word story ({text.Length} keystrokes in each editor, {Rounds} rounds alternated; load {lineStart} → {Load()}, machine idle {Cpu.IdleSince(idleStart)} %)");
    Console.WriteLine();
    Console.WriteLine("Milliseconds per keystroke, from the key event. *Work done*: every task the key set off has run; *painted*: the first frame after the text changed was painted (at 60 frames a second a frame waits up to 16.7 ms for its turn, so even an empty textarea shows a p95 near that on an idle machine). *Event Timing ≥ 16 ms*: keystrokes Chromium itself timed at 16 ms or more.");
    Console.WriteLine();
    Console.WriteLine("| editor | keys | work done p50 | work done p95 | **painted p50** | **painted p95** | painted max | Event Timing ≥ 16 ms |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var variant in variants)
    {
        var list = samples[variant];
        var done = list.Select(k => k.Done - k.T0).ToList();
        var painted = list.Select(k => k.Painted - k.T0).ToList();
        Console.WriteLine($"| {variant} | {list.Count} | {Percentile(done, 50):0.0} | {Percentile(done, 95):0.0} | **{Percentile(painted, 50):0.0}** | **{Percentile(painted, 95):0.0}** | {painted.Max():0.0} | {slow[variant]} ({100.0 * slow[variant] / Math.Max(1, list.Count):0.0} %) |");
    }
    var block = samples[variants[0]].Select(k => k.Painted - k.T0).ToList();
    var markdownView = samples[variants[^3]].Select(k => k.Painted - k.T0).ToList();
    var bare = samples[variants[^2]].Select(k => k.Painted - k.T0).ToList();
    var empty = samples[variants[^1]].Select(k => k.Painted - k.T0).ToList();
    Console.WriteLine();
    if (beforeBundle is not null)
    {
        var old = samples[BeforeVariant].Select(k => k.Painted - k.T0).ToList();
        Console.WriteLine($"This build ÷ the build before, painted: p50 **{Percentile(block, 50) / Percentile(old, 50):0.00}**, p95 **{Percentile(block, 95) / Percentile(old, 95):0.00}**; work done p95 {Percentile(samples[variants[0]].Select(k => k.Done - k.T0), 95) / Percentile(samples[BeforeVariant].Select(k => k.Done - k.T0), 95):0.00}.");
    }
    Console.WriteLine($"Painted p95 ratio block editor ÷ Markdown view **{Percentile(block, 95) / Percentile(markdownView, 95):0.00}**, ÷ bare textarea with the same text **{Percentile(block, 95) / Percentile(bare, 95):0.00}**, ÷ empty textarea **{Percentile(block, 95) / Percentile(empty, 95):0.00}**. Target p95 < 16 ms: **{(Percentile(block, 95) < 16 ? "met" : "not met")}** (empty textarea in the same run: {Percentile(empty, 95):0.0} ms).");
    Console.WriteLine();
}

async Task<IPage> EditorPageAsync(IBrowserContext context, string path)
{
    var page = await context.NewPageAsync();
    // Leaving with unsaved text would ask; the bench answers.
    page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
    await page.GotoAsync(path, new() { Timeout = 60_000 });
    await page.WaitForFunctionAsync("() => window.BylineBlockEditor && document.readyState === 'complete'", null, new() { Timeout = 30_000 });
    return page;
}

async Task PlaceCaretAsync(IPage page, string variant)
{
    var inBlock = await page.EvaluateAsync<bool>("() => !document.querySelector('.be-surface').hidden");
    if (variant.StartsWith("block", StringComparison.Ordinal))
    {
        if (!inBlock)
        {
            await page.Locator("[data-be-mode]").ClickAsync();
        }
        // The end of the first paragraph past the middle of the story, scrolled into view.
        await page.EvaluateAsync("""
            () => {
              const ed = window.BylineBlockEditor.editor;
              const doc = ed.state.doc;
              const middle = Math.floor(doc.childCount / 2);
              let at = null;
              doc.forEach((node, offset, index) => { if (at === null && index >= middle && node.type.name === 'paragraph') { at = offset + node.nodeSize - 1; } });
              ed.chain().focus().setTextSelection(at).scrollIntoView().run();
            }
            """);
        return;
    }
    var id = variant.Contains("bare", StringComparison.Ordinal) ? "bench-bare" : variant.Contains("empty", StringComparison.Ordinal) ? "bench-empty" : "story-body";
    if (id == "story-body" && inBlock)
    {
        await page.Locator("[data-be-mode]").ClickAsync();
    }
    // The same place in the Markdown: the end of the paragraph past the middle.
    await page.EvaluateAsync("""
        (id) => {
          const t = document.getElementById(id);
          const blocks = t.value.split('\n\n');
          let at = 0;
          for (let i = 0; i < blocks.length; i++) {
            at += blocks[i].length;
            if (i >= Math.floor(blocks.length / 2) && !/^[#>\-]/.test(blocks[i])) { break; }
            at += 2;
          }
          t.focus();
          t.setSelectionRange(at, at);
          // Scroll the caret's line into view, as the browser does while typing.
          t.blur(); t.focus();
        }
        """, id);
}

// ================================================================ autosave
async Task AutosaveAsync()
{
    var lineStart = Load();
    var idleStart = Cpu.Sample();
    await using var context = await NewContextAsync();
    var page = await context.NewPageAsync();
    await page.GotoAsync(storyPath, new() { Timeout = 60_000 });
    await page.WaitForFunctionAsync("() => window.BylineBlockEditor && document.readyState === 'complete'", null, new() { Timeout = 30_000 });
    // The very request newsroom-editor.js sends (the whole story form, POST ?handler=Autosave, JSON answer), each
    // with one word changed and the version the previous answer gave; beside it, the live preview's request (the
    // same form, rendered, nothing written) and GET /healthz, one request at a time, in turn, order rotated.
    var json = await page.EvaluateAsync<JsonElement>("""
        async ([n, warm]) => {
          const form = document.getElementById('story-form');
          const body = document.getElementById('story-body');
          const version = document.getElementById('story-version');
          const base = form.getAttribute('action');
          const original = body.value;
          const out = { autosave: [], preview: [], healthz: [] };
          const post = (handler) => fetch(base + '?handler=' + handler, {
            method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
          const kinds = {
            autosave: async (i) => {
              body.value = original.replace('Take the river', 'Take ' + i + ' of the river');
              const t = performance.now();
              const r = await post('Autosave');
              const data = await r.json();
              const ms = performance.now() - t;
              if (r.status !== 200) { throw new Error('autosave answered ' + r.status + ': ' + JSON.stringify(data)); }
              version.value = data.version;
              return ms;
            },
            preview: async () => {
              const t = performance.now();
              const r = await post('Preview');
              const data = await r.json();
              const ms = performance.now() - t;
              if (r.status !== 200 || !data.html) { throw new Error('preview answered ' + r.status); }
              return ms;
            },
            healthz: async () => {
              const t = performance.now();
              const r = await fetch('/healthz', { cache: 'no-store' });
              await r.text();
              const ms = performance.now() - t;
              if (r.status !== 200) { throw new Error('healthz answered ' + r.status); }
              return ms;
            },
          };
          const names = Object.keys(kinds);
          for (let i = 0; i < warm + n; i++) {
            for (let k = 0; k < names.length; k++) {
              const name = names[(i + k) % names.length];
              const ms = await kinds[name](i);
              if (i >= warm) { out[name].push(ms); }
            }
          }
          return out;
        }
        """, new object[] { saves, 10 });
    var autosave = Numbers(json.GetProperty("autosave"));
    var preview = Numbers(json.GetProperty("preview"));
    var healthz = Numbers(json.GetProperty("healthz"));
    // The last autosave is in the database: the story page now holds its words.
    await page.ReloadAsync();
    var stored = await page.Locator("#story-body").InputValueAsync();
    if (!stored.Contains($"Take {saves + 9} of the river", StringComparison.Ordinal))
    {
        throw new InvalidOperationException("the last autosave is not what the story page shows");
    }
    Console.WriteLine($"### Autosave round trip ({saves} autosaves of the 5,000-word story after 10 warm-ups, in turn with the preview request and `GET /healthz`; load {lineStart} → {Load()}, machine idle {Cpu.IdleSince(idleStart)} %)");
    Console.WriteLine();
    Console.WriteLine("Milliseconds from the page's `fetch` to the JSON answer read, one request at a time.");
    Console.WriteLine();
    Console.WriteLine("| request | n | p50 | **p95** | p99 | max |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach (var (name, list) in new[] { ("autosave (`POST ?handler=Autosave`, whole form)", autosave), ("reference: preview (`POST ?handler=Preview`, same form, nothing stored)", preview), ("reference: `GET /healthz`", healthz) })
    {
        Console.WriteLine($"| {name} | {list.Count} | {Percentile(list, 50):0.0} | **{Percentile(list, 95):0.0}** | {Percentile(list, 99):0.0} | {list.Max():0.0} |");
    }
    Console.WriteLine();
    Console.WriteLine($"Autosave p95 ÷ preview p95 **{Percentile(autosave, 95) / Percentile(preview, 95):0.00}**, ÷ healthz p95 {Percentile(autosave, 95) / Percentile(healthz, 95):0.0}. Target p95 < 100 ms: **{(Percentile(autosave, 95) < 100 ? "met" : "not met")}**.");
    Console.WriteLine();
}

// ================================================================ helpers
static List<double> Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToList();

static void Add(Dictionary<string, List<OpenTiming>> rows, string name, OpenTiming t)
{
    if (!rows.TryGetValue(name, out var list))
    {
        rows[name] = list = [];
    }
    list.Add(t);
}

static double Percentile(IEnumerable<double> values, double p)
{
    var sorted = values.Order().ToArray();
    if (sorted.Length == 0)
    {
        return double.NaN;
    }
    // Nearest rank.
    var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
    return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
}

static double Median(IEnumerable<double> values) => Percentile(values, 50);

static string Cell(IEnumerable<double> values)
{
    var list = values.ToList();
    return string.Create(CultureInfo.InvariantCulture, $"{Median(list):0} ({Percentile(list, 95):0})");
}

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

static int Knob(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;

// About 5,000 words of news copy: paragraphs of 60–110 words, a subheading every six paragraphs, some bold and
// italic, a list and a quote now and then (the blocks a long read holds). Deterministic.
static string FiveThousandWords()
{
    string[] vocabulary =
    [
        "the", "council", "river", "residents", "said", "on", "Tuesday", "that", "water", "levels", "had", "risen", "by",
        "nearly", "a", "metre", "overnight", "and", "emergency", "crews", "were", "moving", "families", "from", "homes",
        "near", "bridge", "in", "old", "town", "where", "shops", "closed", "early", "as", "police", "set", "up", "barriers",
        "officials", "expect", "rain", "to", "continue", "until", "weekend", "while", "engineers", "inspect", "flood",
        "defences", "built", "after", "last", "winter", "storms", "mayor", "promised", "money", "for", "repairs", "but",
        "critics", "argue", "plan", "came", "too", "late", "farmers", "upstream", "report", "fields", "under", "mud",
        "schools", "will", "remain", "open", "buses", "run", "reduced", "timetable", "hospital", "is", "prepared", "with",
        "extra", "staff", "volunteers", "handed", "out", "sandbags", "at", "station", "people", "queued", "hours",
    ];
    var random = new Random(5000);
    string Words(int n, bool marks)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            var w = vocabulary[random.Next(vocabulary.Length)];
            if (i == 0)
            {
                w = char.ToUpperInvariant(w[0]) + w[1..];
            }
            if (marks && i > 0 && random.Next(40) == 0)
            {
                w = random.Next(2) == 0 ? $"**{w}**" : $"*{w}*";
            }
            sb.Append(i == 0 ? "" : random.Next(14) == 0 ? ", " : " ").Append(w);
        }
        return sb.Append('.').ToString();
    }
    var blocks = new List<string>();
    var count = 0;
    var paragraph = 0;
    while (count < 5000)
    {
        if (paragraph == 20)
        {
            // The paragraph the autosave bench edits, so each autosave changes one word in one block.
            blocks.Add("Take the river road north and the water reaches the doorsteps of the first houses by noon.");
            count += 17;
        }
        if (paragraph > 0 && paragraph % 6 == 0)
        {
            var heading = Words(3 + random.Next(4), false).TrimEnd('.');
            blocks.Add("## " + heading);
            count += heading.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        }
        if (paragraph % 15 == 7)
        {
            var items = Enumerable.Range(0, 4).Select(_ => "- " + Words(6 + random.Next(6), false)).ToList();
            blocks.Add(string.Join('\n', items));
            count += items.Sum(i => i.Split(' ').Length - 1);
        }
        if (paragraph % 15 == 11)
        {
            var quote = Words(20 + random.Next(20), false);
            blocks.Add("> " + quote);
            count += quote.Split(' ').Length;
        }
        var n = 60 + random.Next(50);
        blocks.Add(Words(n, true));
        count += n;
        paragraph++;
    }
    return string.Join("\n\n", blocks);
}

// What is typed: plain sentences (letters, spaces, commas, full stops), cut to the number of keystrokes.
static string Sentences(int length)
{
    const string text = "Crews worked through the night to raise the barrier by the old bridge. Residents who left on Monday said they would wait for the all clear before going back, and the council opened a second shelter at the school. The forecast gives two more days of rain, then a dry spell that engineers hope will let the river fall. ";
    var sb = new StringBuilder();
    while (sb.Length < length)
    {
        sb.Append(text);
    }
    return sb.ToString(0, length);
}

internal sealed record OpenTiming(double FirstByte, double ContentLoaded, double? Ready, double Painted);

internal sealed record KeyTiming(double T0, double Input, double Done, double Painted);

/// <summary>Whole-machine idle share between two reads of /proc/stat, for the load note beside each figure.</summary>
internal static class Cpu
{
    public static (long Busy, long Idle) Sample()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7], f[3] + f[4]);
    }

    public static string IdleSince((long Busy, long Idle) start)
    {
        var now = Sample();
        var busy = now.Busy - start.Busy;
        var idle = now.Idle - start.Idle;
        return busy + idle == 0 ? "?" : (100.0 * idle / (busy + idle)).ToString("0", CultureInfo.InvariantCulture);
    }
}
