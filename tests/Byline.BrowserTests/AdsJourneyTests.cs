using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// Issue 20 §5 in real Chromium on the demo publication (its house ads): with Ad Manager configured and
/// consent required but no consent platform on the page, no third-party request is made and a house
/// creative fills its reserved slot without moving anything; its viewable impression and its click
/// (redirected to the creative's address) reach the newsroom's report.
/// </summary>
public sealed class AdsJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    // Layout shifts attributed to the slot or anything after it, with the time the slot was filled.
    private const string ShiftRecorder = """
        window.__shifts = [];
        window.__filledAt = null;
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) {
                if (!e.hadRecentInput) window.__shifts.push({ t: e.startTime, v: e.value, nodes: (e.sources || []).map(s => s.node).filter(n => n) });
            }
        }).observe({ type: "layout-shift", buffered: true });
        new MutationObserver(() => {
            if (window.__filledAt === null && document.querySelector(".ad-slot[data-ad-filled]")) window.__filledAt = performance.now();
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ad-filled"] });
        """;

    private const string ShiftAfterFill = """
        (aside) => window.__shifts
            .filter(s => s.t >= window.__filledAt - 50)
            .filter(s => s.nodes.some(n => aside.contains(n) || (aside.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING)))
            .reduce((sum, s) => sum + s.v, 0)
        """;

    private static bool IsLoopback(string url) => new Uri(url).Host is "127.0.0.1" or "localhost";

    [Fact]
    public async Task A_house_creative_fills_its_reserved_slot_without_shift_is_counted_and_no_third_party_script_loads_without_consent()
    {
        var admin = await site.SignedInAsync(site.AdminEmail);
        await admin.GotoAsync("/newsroom/ads");
        await admin.GetByLabel("Network code (empty: off)").FillAsync("21812345");
        await admin.Locator("fieldset[data-position=article-body]").GetByLabel("Ad Manager ad unit path").FillAsync("/21812345/article/body");
        await admin.GetByLabel("Consent required", new() { Exact = false }).CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save ad settings" }).ClickAsync();
        await Expect(admin.Locator("[data-flash]")).ToContainTextAsync("saved");

        var context = CspWatch.Watch(await site.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.Server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            // A reader's browser: headless Chromium names itself HeadlessChrome, which the counters drop as a bot.
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        }));
        var thirdParty = new ConcurrentQueue<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (IsLoopback(url))
            {
                await route.ContinueAsync();
                return;
            }
            thirdParty.Enqueue(url);
            if (new Uri(url).Host == "byline.example")
            {
                await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<!doctype html><title>Landing</title><p>Landing page" });
            }
            else
            {
                await route.AbortAsync();
            }
        });
        await context.AddInitScriptAsync(ShiftRecorder);
        var reader = await context.NewPageAsync();
        await ReaderJourneyTests.OpenFirstStoryAsync(reader);

        var aside = reader.Locator("aside[data-ad-position=article-body]").First;
        await aside.ScrollIntoViewIfNeededAsync();
        var slot = aside.Locator(".ad-slot");
        await Expect(slot).ToHaveAttributeAsync("data-ad-filled", new System.Text.RegularExpressions.Regex(@"^\d+$"), new() { Timeout = 20_000 });
        var creativeId = await slot.GetAttributeAsync("data-ad-filled");
        await Expect(slot.Locator("img")).ToBeVisibleAsync();
        await Expect(slot).ToHaveAttributeAsync("data-ad-counted", "true", new() { Timeout = 20_000 });

        var shift = await aside.EvaluateAsync<double>(ShiftAfterFill);
        Assert.Equal(0, shift);
        var height = await slot.EvaluateAsync<double>("s => s.getBoundingClientRect().height");
        Assert.InRange(height, 249.5, 250.5);
        Assert.Empty(thirdParty);

        // The click opens the click route in a new window, which redirects to the creative's stored address.
        var clicked = new TaskCompletionSource<IResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Response += (_, r) =>
        {
            if (new Uri(r.Url).AbsolutePath.StartsWith("/ads/click/", StringComparison.Ordinal))
            {
                clicked.TrySetResult(r);
            }
        };
        await slot.Locator("a").ClickAsync();
        var response = await clicked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(302, response.Status);
        Assert.StartsWith("https://byline.example/", (await response.AllHeadersAsync())["location"], StringComparison.Ordinal);

        // The counts are flushed every few seconds: the report shows them once written.
        var row = admin.Locator($"tr[data-report-creative='{creativeId}']");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await admin.GotoAsync("/newsroom/ads/report?days=1");
            if (await row.CountAsync() == 1
                && int.Parse(await row.Locator("[data-impressions]").InnerTextAsync(), CultureInfo.InvariantCulture) >= 1
                && int.Parse(await row.Locator("[data-clicks]").InnerTextAsync(), CultureInfo.InvariantCulture) >= 1)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "the impression and the click did not reach the report");
            await admin.WaitForTimeoutAsync(500);
        }
        await context.CloseAsync();
    }
}
