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

    public static TheoryData<string, int, int> Pages() => VisualRegressionTests.Shots();

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_shifts_less_than_the_target_while_it_loads(string kind, int width, int height)
    {
        var visit = await site.VisitAsync(kind, width, height);
        Assert.True(visit.Shift.Total < MaxShift,
            $"{kind} page {visit.Path} at {width} px: layout shift {visit.Shift.Total:0.0000} (target < {MaxShift}):\n  " + string.Join("\n  ", visit.Shift.Shifts));
    }
}
