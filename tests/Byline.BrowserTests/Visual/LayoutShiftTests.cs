using System.Text.Json;
using Microsoft.Playwright;

namespace Byline.BrowserTests.Visual;

/// <summary>
/// Issue 20's speed target "CLS under 0.05 on every page type", as a layout measure: every layout shift Chromium
/// reports while a page loads (PerformanceObserver, buffered, shifts after input left out), summed over the whole load
/// (at least the page's CLS, which keeps only the worst burst), at 390 and 1366 px.
/// </summary>
[Collection(VisualCollection.Name)]
public sealed class LayoutShiftTests(VisualSite site)
{
    public const double MaxShift = 0.05;

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

    public static TheoryData<string, int, int> Pages() => VisualRegressionTests.Shots();

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_shifts_less_than_the_target_while_it_loads(string kind, int width, int height) =>
        await site.CheckSettledAsync(kind, width, height, screenshot: false, async (page, path) =>
        {
            var result = JsonSerializer.Deserialize<ShiftResult>(await page.EvaluateAsync<string>(ShiftScript), Json)!;
            Assert.True(result.Total < MaxShift,
                $"{kind} page {path} at {width} px: layout shift {result.Total:0.0000} (target < {MaxShift}):\n  " + string.Join("\n  ", result.Shifts));
        });

    public sealed record ShiftResult(double Total, IReadOnlyList<string> Shifts);
}
