using System.Globalization;

namespace Byline.BrowserTests.Visual;

/// <summary>
/// Issue 20 §8: a full-page screenshot of every reader page type at 390 and 1366 px, compared with the PNG committed
/// under <c>tests/Byline.BrowserTests/Baselines/</c> (docs/visual-regression.md). A shot of another size, or with more
/// than 0.2 % of its pixels changed beyond anti-aliasing, fails and leaves the shot and a diff in
/// <c>tests/Byline.BrowserTests/TestResults/visual/</c>. <c>BYLINE_UPDATE_BASELINES=1</c> writes the shots as the new
/// baselines instead. Ad slots are masked: the creative in them is chosen at random on every view.
/// </summary>
[Collection(VisualCollection.Name)]
public sealed class VisualRegressionTests(VisualSite site)
{
    public static TheoryData<string, int, int> Shots()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var kind in PageTypes.All)
        {
            foreach (var (width, height) in VisualSite.Viewports)
            {
                data.Add(kind, width, height);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shots))]
    public async Task Page_looks_like_its_baseline(string kind, int width, int height)
    {
        var visit = await site.VisitAsync(kind, width, height);
        var name = string.Create(CultureInfo.InvariantCulture, $"{kind}-{width}");
        Baselines.Check(name, visit.Screenshot.ToArray(), $"{kind} page {visit.Path} at {width} px");
    }
}
