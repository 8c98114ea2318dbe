using Byline.Caching;
using Byline.Content;
using Byline.Discovery;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Discovery;

/// <summary>Section pages show their own section's most read and trending, and follow the lists as they change while staying cached.</summary>
public abstract class SectionPopularTests(BylineApp app)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private Task<PopularSnapshot> RefreshAsync() => app.Services.GetRequiredService<PopularStories>().RefreshAsync(CancellationToken.None);

    private static DateTime ThisHour()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
    }

    private Task<int> ViewsAsync(params (Story Story, int Views)[] counts) =>
        app.WithDbAsync(async db =>
        {
            var hour = ThisHour();
            foreach (var (story, views) in counts)
            {
                await db.ArticleViews.Where(v => v.ArticleId == story.Id).ExecuteDeleteAsync();
                db.ArticleViews.Add(new ArticleViewCount { ArticleId = story.Id, Hour = hour, Views = views });
            }
            return await db.SaveChangesAsync();
        });

    private static List<string> Block(AngleSharp.Html.Dom.IHtmlDocument page, string selector) =>
        page.QuerySelector(selector) is { } block ? block.StoryLinks() : [];

    [DatabaseFact]
    public async Task A_section_page_shows_its_most_read_in_view_order_and_never_another_sections()
    {
        var section = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent: section);
        var low = await app.Content.StoryAsync(section);
        var high = await app.Content.StoryAsync(sub);
        var middle = await app.Content.StoryAsync(section);
        var elsewhere = await app.Content.StoryAsync(other);
        await ViewsAsync((low, 100), (high, 300), (middle, 200), (elsewhere, 1_000_000));
        await RefreshAsync();

        var page = await app.PageAsync($"/{section.Slug}");

        Assert.Equal([high.Path, middle.Path, low.Path], Block(page, "section.section-most-read"));
        Assert.Equal([high.Path, middle.Path, low.Path], Block(page, "section.section-trending"));
        Assert.DoesNotContain(elsewhere.Path, page.One("div.section-popular").LinkPaths("a"));
        Assert.Equal(section.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), page.One("section.section-most-read").GetAttribute("data-section-id"));
        // A sub-section shows its top-level section's lists; page 2 of a section shows none.
        Assert.Equal([high.Path, middle.Path, low.Path], Block(await app.PageAsync($"/{section.Slug}/{sub.Slug}"), "section.section-most-read"));
        await app.Content.StoriesAsync(section, 25);
        Assert.Null((await app.PageAsync($"/{section.Slug}?page=2")).QuerySelector("section.section-most-read"));
    }

    [DatabaseFact]
    public async Task A_section_page_honours_the_editors_pins_and_hides()
    {
        var section = await app.Content.SectionAsync();
        var read = await app.Content.StoryAsync(section);
        var hidden = await app.Content.StoryAsync(section);
        var pinned = await app.Content.StoryAsync(section);
        var hour = ThisHour();
        await ViewsAsync((read, 50), (hidden, 5_000));
        await app.WithDbAsync(async db =>
        {
            db.TrendingOverrides.Add(new TrendingOverride { ArticleId = pinned.Id, Kind = TrendingOverrideKind.Pin, Position = -2_000_000, At = hour });
            db.TrendingOverrides.Add(new TrendingOverride { ArticleId = hidden.Id, Kind = TrendingOverrideKind.Hide, At = hour });
            return await db.SaveChangesAsync();
        });
        await RefreshAsync();

        var page = await app.PageAsync($"/{section.Slug}");

        Assert.Equal([read.Path], Block(page, "section.section-most-read"));
        Assert.Equal([pinned.Path, read.Path], Block(page, "section.section-trending"));
    }

    [DatabaseFact]
    public async Task A_cached_section_page_follows_a_change_in_its_lists()
    {
        var section = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var first = await app.Content.StoryAsync(section);
        var second = await app.Content.StoryAsync(section);
        var elsewhere = await app.Content.StoryAsync(other);
        await ViewsAsync((first, 20), (second, 10), (elsewhere, 10));
        await RefreshAsync();
        foreach (var (path, id) in new[] { ($"/{section.Slug}", section.Id), ($"/{other.Slug}", other.Id) })
        {
            (await app.GetAsync(path)).Dispose();
            using var hit = await app.GetAsync(path);
            Assert.Equal("HIT", hit.Headers.GetValues(CacheHeaders.XCache).Single());
            Assert.Contains(PopularKeys.Section(id), hit.Headers.GetValues(CacheHeaders.SurrogateKey).Single().Split(' '));
        }

        await ViewsAsync((second, 40));
        await RefreshAsync();

        // The entry is marked stale, not dropped: a reader may get the old copy once while it re-renders.
        using var deadline = new CancellationTokenSource(Deadline);
        while (Block(await app.PageAsync($"/{section.Slug}"), "section.section-most-read") is var links && !links.SequenceEqual([second.Path, first.Path]))
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}

public sealed class SectionPopularOnSqlite(SqliteApp app) : SectionPopularTests(app), IClassFixture<SqliteApp>;

public sealed class SectionPopularOnPostgres(PostgresApp app) : SectionPopularTests(app), IClassFixture<PostgresApp>;
