using System.Net;
using Byline.Content;
using Byline.Discovery;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Discovery;

public abstract class DiscoveryTests(BylineApp app)
{
    private T Service<T>() where T : notnull => app.Services.GetRequiredService<T>();

    private Task<int> ViewsAsync(int articleId) =>
        app.WithDbAsync(db => db.ArticleViews.Where(v => v.ArticleId == articleId).SumAsync(v => v.Views));

    [DatabaseFact]
    public async Task Views_are_counted_in_memory_and_written_by_the_flush()
    {
        var section = await app.Content.SectionAsync();
        var stories = new List<Story>();
        for (var i = 0; i < 5; i++)
        {
            stories.Add(await app.Content.StoryAsync(section));
        }

        foreach (var story in stories)
        {
            using var response = await app.ViewAsync(story.Id);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
        await Service<DiscoveryCounters>().FlushAsync(CancellationToken.None);

        foreach (var story in stories)
        {
            Assert.Equal(1, await ViewsAsync(story.Id));
        }
    }

    [DatabaseFact]
    public async Task Three_thousand_beacons_from_one_client_count_one_view()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        var token = app.ViewToken(story.Id);

        for (var i = 0; i < 3_000; i++)
        {
            using var response = await app.BeaconAsync(token);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        await Service<DiscoveryCounters>().FlushAsync(CancellationToken.None);

        Assert.Equal(1, await ViewsAsync(story.Id));
    }

    [DatabaseFact]
    public async Task A_bare_id_a_forged_token_or_another_storys_token_answers_400_and_counts_nothing()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        var other = await app.Content.StoryAsync(section);
        var token = app.ViewToken(story.Id);
        var parts = token.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";
        var swapped = $"{other.Id}.{parts[1]}.{parts[2]}";

        foreach (var body in new[] { story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), forged, swapped, $"{story.Id}.{parts[1]}." })
        {
            using var response = await app.BeaconAsync(body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("\"code\":\"view.invalid-token\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await Service<DiscoveryCounters>().FlushAsync(CancellationToken.None);

        Assert.Equal(0, await ViewsAsync(story.Id));
        Assert.Equal(0, await ViewsAsync(other.Id));
    }

    [DatabaseFact]
    public async Task Bots_and_agentless_requests_are_not_counted()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);

        (await app.ViewAsync(story.Id, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")).Dispose();
        (await app.ViewAsync(story.Id, "curl/8.5.0")).Dispose();
        (await app.ViewAsync(story.Id, userAgent: null)).Dispose();
        (await app.ViewAsync(story.Id)).Dispose();
        await Service<DiscoveryCounters>().FlushAsync(CancellationToken.None);

        Assert.Equal(1, await ViewsAsync(story.Id));
    }

    [DatabaseFact]
    public async Task Views_of_unpublished_or_unknown_stories_are_dropped()
    {
        var section = await app.Content.SectionAsync();
        var draft = await app.Content.StoryAsync(section, new StorySpec { Status = ArticleStatus.Draft });

        (await app.ViewAsync(draft.Id)).Dispose();
        (await app.ViewAsync(int.MaxValue)).Dispose();
        await Service<DiscoveryCounters>().FlushAsync(CancellationToken.None);

        Assert.Equal(0, await ViewsAsync(draft.Id));
        Assert.Equal(0, await ViewsAsync(int.MaxValue));
    }

    [DatabaseTheory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("99999999999999999999")]
    [InlineData("1; DROP TABLE x")]
    public async Task A_beacon_without_a_token_answers_400_with_a_code(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v", UriKind.Relative)) { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("User-Agent", DiscoveryTestKit.BrowserAgent);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"code\":\"view.invalid-token\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task The_article_page_carries_the_beacon_hook_and_sets_no_cookie()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);

        using var response = await app.GetAsync(story.Path);

        Assert.False(response.Headers.Contains("Set-Cookie"));
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal(story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), page.One("article.story").GetAttribute("data-article-id"));
        // The token the page carries is what its script sends, and the beacon counts it.
        using var beacon = await app.BeaconAsync(page.One("article.story").GetAttribute("data-view") ?? "");
        Assert.Equal(HttpStatusCode.NoContent, beacon.StatusCode);
        await Service<DiscoveryCounters>().FlushAsync(CancellationToken.None);
        Assert.Equal(1, await ViewsAsync(story.Id));
    }

    [DatabaseFact]
    public async Task Trending_puts_a_story_rising_now_above_yesterdays_hit_and_most_read_counts_the_day()
    {
        var section = await app.Content.SectionAsync();
        var rising = await app.Content.StoryAsync(section);
        var yesterday = await app.Content.StoryAsync(section);
        var hour = DateTime.UtcNow;
        hour = new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc);
        await app.WithDbAsync(async db =>
        {
            db.ArticleViews.Add(new ArticleViewCount { ArticleId = rising.Id, Hour = hour, Views = 1_000_000 });
            db.ArticleViews.Add(new ArticleViewCount { ArticleId = yesterday.Id, Hour = hour.AddHours(-20), Views = 50_000_000 });
            return await db.SaveChangesAsync();
        });

        var snapshot = await Service<PopularStories>().RefreshAsync(CancellationToken.None);

        var trending = snapshot.Trending.Select(s => s.Id).ToList();
        Assert.True(trending.IndexOf(rising.Id) >= 0 && trending.IndexOf(rising.Id) < trending.IndexOf(yesterday.Id));
        Assert.Equal(yesterday.Id, snapshot.MostRead[0].Id);
        Assert.Equal([yesterday.Id, rising.Id], snapshot.MostReadBySection[section.Id].Select(s => s.Id));
        var home = await app.PageAsync("/");
        Assert.Contains(yesterday.Path, home.One("section.most-read").StoryLinks());
    }

    [DatabaseFact]
    public async Task Editors_pin_and_hide_trending_stories()
    {
        var section = await app.Content.SectionAsync();
        var popular = await app.Content.StoryAsync(section);
        var pinned = await app.Content.StoryAsync(section);
        var hour = DateTime.UtcNow;
        hour = new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc);
        await app.WithDbAsync(async db =>
        {
            db.ArticleViews.Add(new ArticleViewCount { ArticleId = popular.Id, Hour = hour, Views = 900_000_000 });
            db.TrendingOverrides.Add(new TrendingOverride { ArticleId = pinned.Id, Kind = TrendingOverrideKind.Pin, Position = -1_000_000, At = hour });
            return await db.SaveChangesAsync();
        });
        var snapshot = await Service<PopularStories>().RefreshAsync(CancellationToken.None);
        Assert.Equal(pinned.Id, snapshot.Trending[0].Id);
        Assert.Equal(popular.Id, snapshot.MostRead[0].Id);

        await app.WithDbAsync(async db =>
        {
            db.TrendingOverrides.Add(new TrendingOverride { ArticleId = popular.Id, Kind = TrendingOverrideKind.Hide, At = hour });
            return await db.SaveChangesAsync();
        });
        snapshot = await Service<PopularStories>().RefreshAsync(CancellationToken.None);
        Assert.DoesNotContain(snapshot.Trending, s => s.Id == popular.Id);
        Assert.DoesNotContain(snapshot.MostRead, s => s.Id == popular.Id);
    }

    [DatabaseFact]
    public async Task Searches_are_counted_normalised_and_hidden_terms_never_show()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        await app.PublishAsync(section, new StorySpec { Headline = $"{word} makes headlines" });
        foreach (var typed in new[] { word, $"  {word.ToUpperInvariant()} ", word })
        {
            await app.PageAsync("/search?q=" + Uri.EscapeDataString(typed));
        }
        await Service<DiscoveryCounters>().FlushAsync(CancellationToken.None);

        var counted = await app.WithDbAsync(db => db.SearchTerms.Where(t => t.Term == word).SumAsync(t => t.Count));
        Assert.Equal(3, counted);
        var top = await app.WithDbAsync(db => MostSearched.TopAsync(db, DateTime.UtcNow.Date.AddDays(-1), 1000, false, CancellationToken.None));
        Assert.Contains(top, t => t.Term == word);

        var searched = Service<MostSearched>();
        await app.WithDbAsync(async db =>
        {
            await searched.SetHiddenAsync(db, word.ToUpperInvariant(), hide: true, "test", CancellationToken.None);
            return 0;
        });

        Assert.DoesNotContain(word, searched.Current);
        var hiddenTop = await app.WithDbAsync(db => MostSearched.TopAsync(db, DateTime.UtcNow.Date.AddDays(-1), 1000, false, CancellationToken.None));
        Assert.DoesNotContain(hiddenTop, t => t.Term == word);
        var footer = (await app.PageAsync("/")).One("footer.site-footer");
        Assert.DoesNotContain(footer.QuerySelectorAll("nav.most-searched a"), a => a.TextContent == word);
    }

    [DatabaseFact]
    public async Task The_footer_lists_the_most_searched_terms()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        await app.PublishAsync(section, new StorySpec { Headline = $"{word} again" });
        await app.WithDbAsync(async db =>
        {
            db.SearchTerms.Add(new SearchTermCount { Term = word, Day = DateTime.SpecifyKind(DateTime.UtcNow.Date, DateTimeKind.Utc), Count = 1_000_000 });
            return await db.SaveChangesAsync();
        });
        await Service<MostSearched>().RefreshAsync(CancellationToken.None);

        var footer = (await app.PageAsync("/")).One("footer.site-footer");

        Assert.Contains(footer.LinkPaths("nav.most-searched a"), p => p == "/search?q=" + word);
    }

    [DatabaseFact]
    public async Task Related_stories_put_shared_tags_first_and_leave_out_the_story_and_unpublished_ones()
    {
        var section = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var (t1, t2) = (await app.Content.TagAsync(), await app.Content.TagAsync());
        var story = await app.PublishAsync(section, new StorySpec { Tags = [t1, t2] });
        var bothTags = await app.PublishAsync(other, new StorySpec { Tags = [t1, t2] });
        var oneTag = await app.PublishAsync(other, new StorySpec { Tags = [t1] });
        var sameSection = await app.PublishAsync(section, new StorySpec());
        var draft = await app.Content.StoryAsync(section, new StorySpec { Tags = [t1, t2], Status = ArticleStatus.Draft });
        await app.RaiseChangedAsync(story.Id);

        var related = await app.WithDbAsync(async db =>
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<RelatedStories>().ForAsync(story.Id, CancellationToken.None);
        });

        Assert.DoesNotContain(story.Id, related);
        Assert.DoesNotContain(draft.Id, related);
        Assert.True(related.ToList().IndexOf(bothTags.Id) is >= 0 and var both && both < related.ToList().IndexOf(oneTag.Id));
        Assert.Contains(sameSection.Id, related);

        var page = await app.PageAsync(story.Path);
        var shown = page.LinkPaths("aside.more-from a").Concat(page.LinkPaths("section.related-stories a.story-link")).ToList();
        Assert.DoesNotContain(story.Path, shown);
        Assert.DoesNotContain(shown, p => p.EndsWith("-" + draft.Id, StringComparison.Ordinal));
        Assert.Contains(bothTags.Path, page.LinkPaths("section.related-stories a.story-link"));
    }

    [DatabaseFact]
    public async Task Related_stories_stay_put_until_something_relevant_changes()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var story = await app.PublishAsync(section, new StorySpec { Tags = [tag] });
        await app.PublishAsync(section, new StorySpec { Tags = [tag] });
        await app.PublishAsync(section, new StorySpec());

        var first = await app.PageAsync(story.Path);
        await app.PublishAsync(await app.Content.SectionAsync(), new StorySpec());
        var second = await app.PageAsync(story.Path);
        Assert.Equal(first.LinkPaths("section.related-stories a.story-link"), second.LinkPaths("section.related-stories a.story-link"));
        Assert.Equal(first.LinkPaths("aside.more-from a"), second.LinkPaths("aside.more-from a"));

        var newcomer = await app.PublishAsync(section, new StorySpec { Tags = [tag] });
        var third = await app.PageAsync(story.Path);
        Assert.Contains(newcomer.Path, third.LinkPaths("aside.more-from a").Concat(third.LinkPaths("section.related-stories a.story-link")));
    }

    [DatabaseTheory]
    [InlineData("/newsroom/reports/searches")]
    [InlineData("/newsroom/curation/trending-stories")]
    public async Task Newsroom_discovery_pages_are_closed_to_anonymous_readers(string path)
    {
        using var response = await app.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.Found or HttpStatusCode.Redirect or HttpStatusCode.NotFound,
            $"GET {path} answered {(int)response.StatusCode}");
    }
}

public sealed class DiscoveryOnSqlite(SqliteApp app) : DiscoveryTests(app), IClassFixture<SqliteApp>;

public sealed class DiscoveryOnPostgres(PostgresApp app) : DiscoveryTests(app), IClassFixture<PostgresApp>;
