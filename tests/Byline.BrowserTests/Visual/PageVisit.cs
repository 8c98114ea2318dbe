using System.Text.Json;
using Microsoft.Playwright;

namespace Byline.BrowserTests.Visual;

/// <summary>
/// One visit of a page type at a viewport, made once and read by both checks of it: the layout shifts Chromium
/// reported while the page loaded as a reader gets it (<see cref="LayoutShiftTests"/>), then, with every picture loaded,
/// its full-page screenshot (<see cref="VisualRegressionTests"/>). Measuring the shifts first keeps them what a reader
/// sees: the pictures below the first screen are only made to load afterwards, for the shot.
/// </summary>
public sealed record PageVisit(string Kind, string Path, int Width, PageVisit.ShiftResult Shift, ReadOnlyMemory<byte> Screenshot)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Sums the layout-shift entries so far; lists the elements that moved in the larger ones.</summary>
    private const string ShiftScript = """
        () => new Promise(resolve => {
          const seen = [];
          const observer = new PerformanceObserver(list => { for (const e of list.getEntries()) seen.push(e); });
          observer.observe({ type: 'layout-shift', buffered: true });
          // The buffered entries arrive in the observer's first callback; two frames later the list is complete.
          requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
            for (const e of observer.takeRecords()) seen.push(e);
            observer.disconnect();
            const counted = seen.filter(e => !e.hadRecentInput);
            const describe = n => n ? (n.nodeType === 1 ? n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\s+/).join('.') : '') : n.nodeName) : '?';
            resolve(JSON.stringify({
              total: counted.reduce((sum, e) => sum + e.value, 0),
              shifts: counted.filter(e => e.value >= 0.001).map(e => e.value.toFixed(4) + ' ' + e.sources.map(s => describe(s.node)).join(', ')),
            }));
          }, 0)));
        })
        """;

    /// <summary>Opens the page in a context of its own, measures, shoots and closes it.</summary>
    public static async Task<PageVisit> MakeAsync(VisualSite site, string kind, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(site);
        var path = await site.PathOfAsync(kind);
        var page = await site.NewViewportPageAsync(width, height);
        try
        {
            await PageTypes.OpenSettledAsync(page, path);
            var shift = JsonSerializer.Deserialize<ShiftResult>(await page.EvaluateAsync<string>(ShiftScript), Json)!;
            await PageTypes.LoadEveryPictureAsync(page);
            var shot = await page.ScreenshotAsync(new PageScreenshotOptions
            {
                FullPage = true,
                Animations = ScreenshotAnimations.Disabled,
                Caret = ScreenshotCaret.Hide,
                Scale = ScreenshotScale.Css,
                Type = ScreenshotType.Png,
                Style = PageTypes.FreezeStyle,
                // Which house creative fills a slot is drawn in the browser on every view: the slot's reserved
                // box is compared (its place and size), what fills it is painted over in one colour.
                Mask = [page.Locator(".ad-slot")],
                MaskColor = "#7f7f7f",
            });
            return new PageVisit(kind, path, width, shift, shot);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    public sealed record ShiftResult(double Total, IReadOnlyList<string> Shifts);
}
