using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Playwright;

namespace Byline.BrowserTests.Visual;

/// <summary>
/// The one server and browser of the visual-regression screenshots and the layout-shift measures: demo content
/// generated under a clock stopped at <see cref="Now"/> (Byline:Clock:FixedUtc), so every date, "today" and
/// live-blog state is the same on every run, and no view counted, so most read does not move between shots.
/// </summary>
public sealed class VisualSite : ReaderSite
{
    /// <summary>The server's and the pages' "now": a Monday morning, the demo's stories dated before it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 9, 30, 0, TimeSpan.Zero);

    /// <summary>The two widths every page type is checked at: a phone and a laptop.</summary>
    public static readonly IReadOnlyList<(int Width, int Height)> Viewports = [(390, 844), (1366, 900)];

    private readonly Lazy<Task<IReadOnlyDictionary<string, string>>> _paths;
    private readonly ConcurrentDictionary<(string Kind, int Width), Lazy<Task<PageVisit>>> _visits = new();

    public VisualSite() => _paths = new(() => PageTypes.FindAsync(this));

    protected override bool WatchContentSecurityPolicy => false;

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Byline__Clock__FixedUtc"] = Now.ToString("O", CultureInfo.InvariantCulture),
        ["Byline__Discovery__CountViews"] = "false",
    };

    /// <summary>
    /// A page at the viewport, its scripts' clock stopped at <see cref="Now"/> too, motion reduced and the light
    /// scheme, in a context of its own (close it with <c>page.Context.CloseAsync()</c>).
    /// </summary>
    public async Task<IPage> NewViewportPageAsync(int width, int height)
    {
        var page = await NewPageAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Light,
            ReducedMotion = ReducedMotion.Reduce,
            DeviceScaleFactor = 1,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        await page.Context.Clock.SetFixedTimeAsync(Now.UtcDateTime);
        return page;
    }

    /// <summary>
    /// The visit of the page type at the viewport (<see cref="PageVisit"/>): made by the first check that asks for it,
    /// shared with the other, so each page is loaded once per width rather than once per check.
    /// </summary>
    public Task<PageVisit> VisitAsync(string kind, int width, int height) =>
        _visits.GetOrAdd((kind, width), _ => new Lazy<Task<PageVisit>>(() => PageVisit.MakeAsync(this, kind, width, height))).Value;

    /// <summary>The path of each reader page type on the demo publication, found once by following its links.</summary>
    public async Task<string> PathOfAsync(string kind)
    {
        var paths = await _paths.Value;
        return paths.TryGetValue(kind, out var path)
            ? path
            : throw new InvalidOperationException($"the demo publication has no '{kind}' page (found: {string.Join(", ", paths.Select(p => $"{p.Key} {p.Value}"))})");
    }
}

[CollectionDefinition(Name)]
public sealed class VisualCollection : ICollectionFixture<VisualSite>
{
    public const string Name = "Visual";
}
