using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Site;

/// <summary>
/// Issue 20 §3 and §4: section, tag and author fronts (a lead with its standfirst, a grid, then the list; page 2
/// the plain list) and the article's ending in the main column (end marker, next story, "More from {Section}",
/// related stories, short news), each story once, refreshed in the output cache when its section changes.
/// </summary>
public abstract class FrontsAndEndingsTests(BylineApp app)
{
    private static Dictionary<string, string> Fields(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static void AssertFront(AngleSharp.Html.Dom.IHtmlDocument page, List<string> newestFirst)
    {
        var lead = page.One("main ol.story-list.front-lead");
        Assert.Equal([newestFirst[0]], lead.LinkPaths("a.story-link"));
        Assert.False(string.IsNullOrWhiteSpace(lead.One("p.standfirst").Text()), "the lead shows its standfirst");
        Assert.Equal(newestFirst.Skip(1).Take(4), page.One("main [data-front-part=grid] ol.story-list.front-grid").LinkPaths("a.story-link"));
        Assert.Equal(newestFirst.Skip(5), page.One("main [data-front-part=list] ol.story-list").LinkPaths("a.story-link"));
        // All three are story lists: the page's stories, newest first, each once.
        var all = page.One("main").StoryLinks().Where(newestFirst.Contains).ToList();
        Assert.Equal(newestFirst, all);
    }

    [DatabaseFact]
    public async Task A_section_front_leads_with_its_newest_story_then_a_grid_and_a_list_and_page_two_is_the_plain_list()
    {
        var section = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(section);
        var size = app.Content.CurrentSettings.PageSize;
        var stories = await app.Content.StoriesAsync(section, size + 1);
        var newestFirst = stories.Select(s => s.Path).Reverse().ToList();

        var first = await app.PageAsync($"/{section.Slug}");

        AssertFront(first, newestFirst.Take(size).ToList());
        Assert.Contains($"/{section.Slug}/{sub.Slug}", first.One("nav.sub-sections").LinkPaths("a.chip"));
        var second = await app.PageAsync($"/{section.Slug}?page=2");
        Assert.Empty(second.QuerySelectorAll("[data-front-part=lead], [data-front-part=grid], ol.front-lead"));
        Assert.Equal([stories[0].Path], second.StoryLinks());
        Assert.Equal($"/{section.Slug}?page=2", Html.PathOf(second.One("link[rel=canonical]").GetAttribute("href")));
    }

    [DatabaseFact]
    public async Task A_tag_front_has_its_description_and_the_same_structure()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        await app.WithDbAsync(db => db.Tags.Where(t => t.Id == tag.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.Description, "Everything about the monsoon.")));
        List<Story> stories = [];
        for (var i = 0; i < 7; i++)
        {
            stories.Add(await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], PublishedAt = TestContent.Now().AddMinutes(i - 60) }));
        }

        var page = await app.PageAsync($"/tag/{tag.Slug}");

        Assert.Equal("Everything about the monsoon.", page.One("header.list-head p.standfirst").Text());
        AssertFront(page, stories.Select(s => s.Path).Reverse().ToList());
    }

    [DatabaseFact]
    public async Task An_author_front_shows_picture_role_bio_and_social_links_then_the_same_structure()
    {
        var section = await app.Content.SectionAsync();
        var author = await app.Content.AuthorAsync();
        var photo = await app.Content.ImageAsync();
        await app.WithDbAsync(db => db.Authors.Where(a => a.Id == author.Id).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.JobTitle, "Courts correspondent").SetProperty(a => a.Bio, "Covers the courts.")
            .SetProperty(a => a.PhotoImageId, photo.Id)
            .SetProperty(a => a.SocialLinks, "https://x.example/courts\nhttps://www.social.example/@courts")));
        List<Story> stories = [];
        for (var i = 0; i < 6; i++)
        {
            stories.Add(await app.Content.StoryAsync(section, new StorySpec { Authors = [author], PublishedAt = TestContent.Now().AddMinutes(i - 60) }));
        }

        var page = await app.PageAsync($"/author/{author.Slug}");

        var head = page.One("header.author-head");
        head.One("img.author-photo");
        Assert.Equal("Courts correspondent", head.One("p.kicker").Text());
        Assert.Equal("Covers the courts.", head.One("p.bio").Text());
        var links = head.QuerySelectorAll("ul.author-social a[rel~=me]");
        Assert.Equal(["https://x.example/courts", "https://www.social.example/@courts"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal(["x.example", "social.example"], links.Select(a => a.Text()));
        AssertFront(page, stories.Select(s => s.Path).Reverse().ToList());
    }

    [DatabaseFact]
    public async Task The_newsroom_saves_social_links_and_a_tag_description_and_refuses_a_link_that_is_not_https_beside_the_field()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var author = await app.Content.AuthorAsync();
        var tag = await app.Content.TagAsync();

        var typed = "javascript:alert(1)";
        using (var refused = await editor.SubmitAsync($"/newsroom/authors?id={author.Id}", Fields(("SocialLinks", "https://ok.example/me\n" + typed)), "form[data-form=author]"))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var form = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
            Assert.Contains("https://", form.One("[data-error-for=SocialLinks]").Text(), StringComparison.Ordinal);
            Assert.Contains(typed, form.One("textarea[name=SocialLinks]").TextContent, StringComparison.Ordinal);
        }
        Assert.Equal("", await app.WithDbAsync(db => db.Authors.Where(a => a.Id == author.Id).Select(a => a.SocialLinks).SingleAsync()));

        using (var saved = await editor.SubmitAsync($"/newsroom/authors?id={author.Id}", Fields(("SocialLinks", " https://ok.example/me \r\n\r\nhttps://other.example/x")), "form[data-form=author]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }
        Assert.Equal("https://ok.example/me\nhttps://other.example/x", await app.WithDbAsync(db => db.Authors.Where(a => a.Id == author.Id).Select(a => a.SocialLinks).SingleAsync()));

        using (var described = await editor.SubmitAsync("/newsroom/tags?q=" + tag.Slug, Fields(("Description", "All about it.")), $"tr[data-tag='{tag.Slug}'] form"))
        {
            Assert.Equal(HttpStatusCode.Redirect, described.StatusCode);
        }
        Assert.Equal("All about it.", await app.WithDbAsync(db => db.Tags.Where(t => t.Id == tag.Id).Select(t => t.Description).SingleAsync()));
        Assert.Equal("All about it.", (await app.PageAsync($"/tag/{tag.Slug}")).One("header.list-head p.standfirst").Text());
    }

    [DatabaseFact]
    public async Task The_article_ending_fills_the_main_column_with_next_story_more_from_the_section_and_short_news_each_story_once()
    {
        var section = await app.Content.SectionAsync();
        var image = await app.Content.ImageAsync();
        var others = await app.Content.StoriesAsync(section, 8, TestContent.Now().AddMinutes(-30));
        var story = await app.Content.StoryAsync(section, new StorySpec { PublishedAt = TestContent.Now().AddHours(-3), Paragraphs = 12 });
        var pictured = await app.Content.StoryAsync(section, new StorySpec { LeadImage = image, PublishedAt = TestContent.Now().AddMinutes(-5) });

        var page = await app.PageAsync(story.Path);

        var column = page.One(".article-grid > .story-column");
        column.One("article.story hr.end-mark");
        var end = column.One(".story-end");
        Assert.Contains(section.Name, end.One("section.next-story h2").Text(), StringComparison.Ordinal);
        // The section's newest story not already in the in-body box or the related stories is the next story.
        var above = page.LinkPaths("div.story-body aside.more-from a").Concat(end.LinkPaths("section.related-stories a.story-link")).ToHashSet();
        var newest = new[] { pictured.Path }.Concat(others.Select(o => o.Path).Reverse()).Where(p => !above.Contains(p)).ToList();
        Assert.Equal([newest[0]], end.One("section.next-story").LinkPaths("a.story-link"));
        var more = end.One("section.more-from-section");
        Assert.Equal($"More from {section.Name}", more.One("h2").Text());
        var moreLinks = more.LinkPaths("a.story-link");
        Assert.InRange(moreLinks.Count, 1, 4);
        Assert.All(moreLinks, l => Assert.StartsWith($"/{section.Slug}/", l, StringComparison.Ordinal));
        // Nothing in the ending (nor the in-body box) twice, and never the story itself.
        var shown = page.LinkPaths("div.story-body aside.more-from a").Concat(end.LinkPaths("a.story-link")).ToList();
        Assert.Equal(shown.Count, shown.Distinct().Count());
        Assert.DoesNotContain(story.Path, shown);
        Assert.Contains(others[^1].Path, shown);
        // The short news and related stories are in the main column, not in the rail beside it.
        Assert.Empty(page.QuerySelectorAll(".after-story section.short-news, .after-story section.related-stories, .after-story section.more-from-section"));
    }

    [DatabaseFact]
    public async Task The_ending_shows_short_news_with_thumbnails_in_the_main_column()
    {
        var section = await app.Content.SectionAsync();
        var image = await app.Content.ImageAsync();
        var story = await app.Content.StoryAsync(section);
        var editor = await app.UserAsync(Roles.Editor);
        var (shortId, version) = await app.DraftAsync(editor, new StoryInput
        {
            Format = StoryFormat.ShortNews,
            Headline = "Short " + Guid.NewGuid().ToString("N")[..10] + " with a picture",
            Standfirst = "Ministers agreed a new plan for the city's buses on Monday, officials said.",
            SectionId = section.Id,
            LeadImageId = image.Id,
            LeadImageAlt = "A bus",
        });
        var published = await app.ApplyAsync(shortId, new StoryCommand(StoryAction.Publish, version), editor);
        Assert.True(published.Succeeded, $"publish failed: {published.Outcome}");

        var page = await Poll.UntilAsync(() => app.PageAsync(story.Path),
            p => p.QuerySelector($".story-end section.short-news li.short-item[data-short-id='{shortId}']") is not null, "the new short in the ending");

        var item = page.One($".story-end section.short-news li.short-item[data-short-id='{shortId}']");
        item.One("img");
    }

    [DatabaseFact]
    public async Task Publishing_a_story_in_the_section_refreshes_the_more_from_block_of_a_cached_article()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { PublishedAt = TestContent.Now().AddDays(-2), Paragraphs = 12 });
        await app.Content.StoriesAsync(section, 6, TestContent.Now().AddDays(-1));
        using (var first = await app.GetAsync(story.Path))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using (var hit = await app.GetAsync(story.Path))
        {
            Assert.Equal("HIT", hit.Headers.GetValues(Byline.Caching.CacheHeaders.XCache).Single());
        }

        var fresh = await app.Content.StoryAsync(section, new StorySpec { PublishedAt = TestContent.Now().AddMinutes(-1) });

        // The section's key marks the cached page stale: the next request re-renders it with the new story in the ending
        // (or in the in-body "More from" box, when it ranks among the related stories).
        await Poll.UntilAsync(async () =>
            {
                var page = await app.PageAsync(story.Path);
                return page.LinkPaths("div.story-body aside.more-from a").Concat(page.QuerySelector(".story-end")?.LinkPaths("a.story-link") ?? []).Contains(fresh.Path);
            },
            "the new story in the cached article's ending");
    }

    [DatabaseFact]
    public async Task Changing_a_story_shown_in_the_ending_refreshes_the_cached_article()
    {
        var section = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], PublishedAt = TestContent.Now().AddDays(-2) });
        // Related by its tag, from another section: no key of this story's page names that section.
        var related = await app.Content.StoryAsync(other, new StorySpec { Tags = [tag], PublishedAt = TestContent.Now().AddDays(-2).AddMinutes(5) });
        await Discovery.DiscoveryTestKit.RaiseChangedAsync(app, story.Id);
        await Poll.UntilAsync(async () => (await app.PageAsync(story.Path)).LinkPaths("section.related-stories a.story-link").Contains(related.Path), "the related story on the page");
        using (var hit = await app.GetAsync(story.Path))
        {
            Assert.Equal("HIT", hit.Headers.GetValues(Byline.Caching.CacheHeaders.XCache).Single());
        }

        var headline = "Corrected " + Guid.NewGuid().ToString("N")[..8];
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == related.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Headline, headline)));
        await app.Content.ArticlesChangedAsync([related.Id]);

        await Poll.UntilAsync(async () => (await app.PageAsync(story.Path)).One("section.related-stories").Text().Contains(headline, StringComparison.Ordinal),
            "the corrected headline in the cached article's related stories");
    }
}

public sealed class FrontsAndEndingsOnSqlite(SqliteApp app) : FrontsAndEndingsTests(app), IClassFixture<SqliteApp>;

public sealed class FrontsAndEndingsOnPostgres(PostgresApp app) : FrontsAndEndingsTests(app), IClassFixture<PostgresApp>;
