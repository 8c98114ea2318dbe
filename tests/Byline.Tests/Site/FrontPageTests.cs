using System.Net;
using AngleSharp.Dom;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom.LiveDesk;
using Byline.Storage;
using Byline.Tests.LiveBlogs;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Site;

/// <summary>The edited front page (issue 20, point 1): tiers, the importance fallback, no repeats, block layouts, LIVE badges, the layout page.</summary>
public abstract class FrontPageTests(BylineApp app)
{
    private const string LayoutPage = "/newsroom/curation/front";

    private static List<string> Paths(IElement? scope) =>
        scope is null ? [] : [.. scope.QuerySelectorAll("a.story-link").Select(a => Html.PathOf(a.GetAttribute("href")))];

    private static int IdOf(string path) => int.Parse(path[(path.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private async Task ClearTopStoriesAsync()
    {
        await app.WithDbAsync(db => db.CuratedItems.Where(c => c.List == "top").ExecuteDeleteAsync());
        await app.Content.RaiseAsync("curation", ContentKeys.Home);
    }

    [DatabaseFact]
    public async Task Top_stories_are_a_lead_the_secondary_tier_then_more_in_the_editors_order()
    {
        await app.Content.SettingsAsync(s => s with { Front = s.Front with { Secondary = 2 } });
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 7);
        // Not publication order: the editors' order decides the tiers.
        Story[] order = [stories[3], stories[0], stories[6], stories[1], stories[5], stories[2], stories[4]];
        await app.Content.CurateAsync("top", order);

        var top = (await app.PageAsync("/")).One("section.top-stories");

        Assert.Equal([order[0].Path], Paths(top.One("article.lead-story")));
        Assert.Equal(order[1..3].Select(s => s.Path), Paths(top.One("ol.tier-secondary")));
        Assert.Equal(order[3..].Select(s => s.Path), Paths(top.One("ol.tier-more")));
        Assert.Equal("false", top.GetAttribute("data-filled"));

        await app.Content.SettingsAsync(s => s with { Front = s.Front with { Secondary = 4 } });
        var wider = (await app.PageAsync("/")).One("section.top-stories");
        Assert.Equal(order[1..5].Select(s => s.Path), Paths(wider.One("ol.tier-secondary")));
    }

    [DatabaseFact]
    public async Task Latest_news_never_repeats_what_top_stories_show()
    {
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 6);
        await app.Content.CurateAsync("top", stories[5], stories[2], stories[4]);

        var page = await app.PageAsync("/");

        var top = Paths(page.One("section.top-stories"));
        var latest = Paths(page.One("section.latest-news"));
        Assert.Empty(top.Intersect(latest));
        Assert.Subset(top.ToHashSet(), new[] { stories[5], stories[2], stories[4] }.Select(s => s.Path).ToHashSet());
        // Latest is exactly the newest stories Top Stories leave out, newest first.
        var newest = await app.WithDbAsync(db => db.Articles
            .Where(a => a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).Take(30).ToListAsync());
        var topIds = top.Select(IdOf).ToHashSet();
        Assert.Equal(newest.Where(id => !topIds.Contains(id)).Take(10), latest.Select(IdOf));
    }

    [DatabaseFact]
    public async Task Without_curation_top_stories_follow_importance_not_just_the_newest()
    {
        await ClearTopStoriesAsync();
        // What other tests of this class left published is moved two days back, so that only this test's stories
        // compete for the fresh end of the importance order (their weights are not this test's to know).
        var cutoff = DateTime.UtcNow;
        await app.WithDbAsync(db => db.Articles.Where(a => a.PublishedAt != null && a.PublishedAt <= cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PublishedAt, a => a.PublishedAt!.Value.AddDays(-2))));
        await app.Content.RaiseAsync("test", ContentKeys.Home, ContentKeys.Latest);
        var section = await app.Content.SectionAsync();
        // A running live blog outweighs the stories published after it (times explicit: seconds apart, all among the newest).
        var now = DateTime.UtcNow;
        var blog = await app.Content.StoryAsync(section, new StorySpec { PublishedAt = now.AddSeconds(-5), Paragraphs = 2 });
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == blog.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Format, StoryFormat.LiveBlog)));
        await Byline.Tests.Discovery.DiscoveryTestKit.RaiseChangedAsync(app, blog.Id);
        var newer = await app.Content.StoriesAsync(section, 3, newest: now);

        var page = await app.PageAsync("/");

        var top = page.One("section.top-stories");
        Assert.Equal("true", top.GetAttribute("data-filled"));
        // Other tests of this class leave live blogs of their own running, so the blog need not lead; it must rank
        // above every story published after it, and carry its badge.
        var ranked = Paths(top);
        Assert.True(ranked.Contains(blog.Path),
            $"the live blog {blog.Path} is missing from Top Stories [{string.Join(", ", ranked)}]; latest: [{string.Join(", ", Paths(page.QuerySelector("section.latest-news")))}]");
        Assert.All(newer.Where(s => ranked.Contains(s.Path)), s => Assert.True(ranked.IndexOf(blog.Path) < ranked.IndexOf(s.Path), $"{s.Path} ranks above the live blog"));
        var card = top.QuerySelectorAll("a.story-link").First(a => Html.PathOf(a.GetAttribute("href")) == blog.Path).Closest("article, li");
        Assert.NotNull(card?.QuerySelector(".live-badge"));
        var latest = Paths(page.One("section.latest-news"));
        Assert.Empty(Paths(top).Intersect(latest));
        Assert.DoesNotContain(blog.Path, latest);
        Assert.All(newer, s => Assert.True(Paths(top).Contains(s.Path) ^ latest.Contains(s.Path)));
    }

    [DatabaseFact]
    public async Task Each_section_block_takes_the_layout_the_editors_chose()
    {
        var four = await app.Content.SectionAsync(position: -900);
        var opinion = await app.Content.SectionAsync(position: -899);
        var ranked = await app.Content.SectionAsync(position: -898);
        var plain = await app.Content.SectionAsync(position: -897);
        foreach (var section in new[] { four, opinion, ranked, plain })
        {
            await app.Content.StoriesAsync(section, 4);
        }
        await app.Content.SettingsAsync(s => s with
        {
            Front = s.Front with
            {
                Layouts = new Dictionary<int, BlockLayout> { [four.Id] = BlockLayout.FourUp, [opinion.Id] = BlockLayout.OpinionStrip, [ranked.Id] = BlockLayout.MostRead },
            },
        });

        var page = await app.PageAsync("/");

        IElement Block(Section s) => page.QuerySelectorAll("section.section-block").Single(b => b.One("h2 a").GetAttribute("href") == $"/{s.Slug}");
        Assert.Equal("four-up", Block(four).GetAttribute("data-layout"));
        Assert.Equal(4, Block(four).QuerySelectorAll("ol.layout-four-up > li.story-card").Length);
        Assert.Equal("opinion-strip", Block(opinion).GetAttribute("data-layout"));
        Assert.Empty(Block(opinion).QuerySelectorAll("img"));
        Assert.Equal("most-read", Block(ranked).GetAttribute("data-layout"));
        Block(ranked).One("ol.layout-most-read.ranked");
        Assert.Equal("lead-list", Block(plain).GetAttribute("data-layout"));
        Block(plain).One("ol.layout-lead-list");
    }

    [DatabaseFact]
    public async Task A_running_live_blog_is_badged_live_on_every_home_card_until_it_ends()
    {
        var section = await app.Content.SectionAsync(position: -800);
        var blog = await LiveBlogKit.CreateAsync(app, section);
        await app.Content.CurateAsync("top", blog);

        List<IElement> Cards(IParentNode page) =>
            [.. page.QuerySelectorAll(".story-card").Where(c => Paths(c).Contains(blog.Path))];

        var running = await app.PageAsync("/");
        // The lead (curated) and the section block both show it.
        Assert.True(Cards(running).Count >= 2, "the live blog should be the lead and in its section's block");
        Assert.All(Cards(running), c => Assert.Equal("Live", c.One(".live-badge").TextContent.Trim()));

        Assert.Equal(LiveOutcome.Ok, (await LiveBlogKit.WithServiceAsync(app, s => s.SetEndedAsync(blog.Id, true, LiveBlogKit.Editor, CancellationToken.None))).Outcome);

        var ended = await app.PageAsync("/");
        Assert.NotEmpty(Cards(ended));
        Assert.All(Cards(ended), c => Assert.Null(c.QuerySelector(".live-badge")));
    }

    [DatabaseFact]
    public async Task The_layout_page_keeps_bad_choices_beside_their_fields_and_saving_reshapes_the_cached_home_page()
    {
        var section = await app.Content.SectionAsync(position: -700);
        await app.Content.StoriesAsync(section, 4);
        await app.PageAsync("/");
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var field = $"Layouts[{section.Id}]";

        using var badCount = await editor.SubmitAsync(LayoutPage, new Dictionary<string, string> { ["Secondary"] = "9" }, "form[data-form=front]");
        Assert.Equal(HttpStatusCode.BadRequest, badCount.StatusCode);
        var refused = await NewsroomClient.ParseAsync(badCount);
        Assert.Contains("2 to 4", refused.One("[data-error-for=Secondary]").TextContent, StringComparison.Ordinal);
        Assert.Equal("9", ((AngleSharp.Html.Dom.IHtmlSelectElement)refused.One("select[name=Secondary]")).Value);

        using var badLayout = await editor.SubmitAsync(LayoutPage, new Dictionary<string, string> { [field] = "spiral" }, "form[data-form=front]");
        Assert.Equal(HttpStatusCode.BadRequest, badLayout.StatusCode);
        var kept = await NewsroomClient.ParseAsync(badLayout);
        Assert.NotEmpty(kept.One($"[data-error-for=\"{field}\"]").TextContent.Trim());
        Assert.Equal("spiral", ((AngleSharp.Html.Dom.IHtmlSelectElement)kept.One($"select[name=\"{field}\"]")).Value);

        using var saved = await editor.SubmitAsync(LayoutPage, new Dictionary<string, string> { ["Secondary"] = "3", [field] = "video-rail" }, "form[data-form=front]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var home = await app.PageAsync("/");
        Assert.Equal("video-rail", home.QuerySelectorAll("section.section-block").Single(b => b.One("h2 a").GetAttribute("href") == $"/{section.Slug}").GetAttribute("data-layout"));
        var form = await editor.PageAsync(LayoutPage);
        Assert.Equal("video-rail", ((AngleSharp.Html.Dom.IHtmlSelectElement)form.One($"select[name=\"{field}\"]")).Value);
        Assert.Equal("video-rail", form.One($"[data-preview-for=\"{section.Id}\"]").GetAttribute("data-layout"));
    }
}

public sealed class FrontPageOnSqlite(SqliteApp app) : FrontPageTests(app), IClassFixture<SqliteApp>;

public sealed class FrontPageOnPostgres(PostgresApp app) : FrontPageTests(app), IClassFixture<PostgresApp>;
