using Microsoft.Playwright;

namespace Byline.BrowserTests.Visual;

/// <summary>
/// Every kind of reader page, as a page of the demo publication generated under <see cref="VisualSite.Now"/>: the demo
/// is drawn from a fixed seed, so its slugs and ids are the same on every start. A change to the demo content that
/// moves them fails <see cref="FindAsync"/> with the page that went missing (then fix the path here and refresh the
/// baselines). Opinion pieces have no layout of their own (an opinion story is an article of the Opinion
/// sub-section), so the sub-section is the Opinion one.
/// </summary>
public static class PageTypes
{
    private static readonly (string Kind, string Path, int Status)[] Pages =
    [
        ("home", "/", 200),
        ("section", "/news", 200),
        ("sub-section", "/news/opinion", 200),
        ("article", "/world/bangladesh-and-its-neighbours-edge-closer-on-grain-export-guarantees-1999", 200),
        ("live-blog", "/business/budget-day-live-the-finance-ministers-speech-the-numbers-and-the-reaction-2001", 200),
        ("photo-story", "/science/inside-the-observatory-on-the-high-desert-2008", 200),
        ("web-stories", "/web-stories", 200),
        ("web-story", "/web-stories/five-things-to-know-about-this-years-heatwave-2011", 200),
        ("shows", "/shows", 200),
        ("show", "/shows/ground-report", 200),
        ("episode", "/shows/ground-report/ground-report-the-families-living-with-the-solar-park-2056", 200),
        ("shorts", "/shorts", 200),
        ("short", "/shorts/a-streaming-premiere-9-things-we-learned-2057", 200),
        ("hub", "/events/premier-cricket-cup-2026", 200),
        ("tag", "/tag/monsoon", 200),
        ("author", "/author/aditya-nair", 200),
        ("search", "/search?q=monsoon", 200),
        ("not-found", "/no-such-page-here", 404),
    ];

    /// <summary>
    /// Applied by Playwright while it takes a shot (the site's CSP refuses a style added to the page): hides what
    /// changes from one visit to the next whatever the clock (the footer's most-searched terms follow the searches the
    /// tests make) and stops transitions and the caret.
    /// </summary>
    public const string FreezeStyle = """
        footer nav.most-searched { display: none !important; }
        *, *::before, *::after { caret-color: transparent !important; transition: none !important; animation: none !important; scroll-behavior: auto !important; }
        """;

    /// <summary>Makes every picture load now (lazy ones too, for a full-page shot) and waits for them and the fonts.</summary>
    private const string SettleScript = """
        async (allImages) => {
          // A lazy picture loads only when it is shown: on the first screen, rendered (not in a closed menu).
          const onScreen = i => { const r = i.getBoundingClientRect(); return r.width > 0 && r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0; };
          const images = [...document.images].filter(i => allImages || i.loading !== 'lazy' || onScreen(i));
          if (allImages) {
            for (const i of images) i.loading = 'eager';
            // The footer's most-searched terms follow the searches the tests make: out of the shot (removed, not styled:
            // a full-page shot is measured before Playwright's screenshot style applies).
            for (const n of document.querySelectorAll('footer nav.most-searched')) n.remove();
          }
          const loaded = i => i.complete ? null : new Promise(r => { i.addEventListener('load', r, { once: true }); i.addEventListener('error', r, { once: true }); });
          const settle = async () => {
            await Promise.all(images.map(loaded));
            await Promise.all(images.filter(i => i.complete && i.naturalWidth > 0).map(i => i.decode().catch(() => null)));
          };
          // Bounded: a picture that never answers (a lazy one the browser does not count as shown) is left out rather
          // than holding the test.
          await Promise.race([settle(), new Promise(r => setTimeout(r, 20000))]);
          await document.fonts.ready;
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        }
        """;

    public static IEnumerable<string> All => Pages.Select(p => p.Kind);

    /// <summary>Checks that every page answers as expected and returns their paths by kind.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> FindAsync(ReaderSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        using var http = new HttpClient { BaseAddress = site.Server.Address, Timeout = TimeSpan.FromMinutes(1) };
        var wrong = new List<string>();
        foreach (var (kind, path, status) in Pages)
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            if ((int)response.StatusCode != status)
            {
                wrong.Add($"{kind} {path} answered {(int)response.StatusCode}, not {status}");
            }
        }
        return wrong.Count == 0
            ? Pages.ToDictionary(p => p.Kind, p => p.Path)
            : throw new InvalidOperationException("the demo publication's pages moved (update Visual/PageTypes.cs and the baselines):\n" + string.Join('\n', wrong));
    }

    /// <summary>
    /// Opens the page as a reader gets it and waits until it is still: loaded, the pictures of the first screen decoded
    /// and its fonts ready.
    /// </summary>
    public static async Task OpenSettledAsync(IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.EvaluateAsync(SettleScript, false);
    }

    /// <summary>Then makes every picture load (lazy ones too, for a full-page shot) and waits for them to be decoded.</summary>
    public static async Task LoadEveryPictureAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.EvaluateAsync(SettleScript, true);
    }
}
