using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Stories;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Site;

/// <summary>
/// Pages after the first of a section, tag or author list. The first read of such a page goes by
/// offset and holds the entry before it; later reads seek to that entry (Site/Stories/PageBoundaries).
/// Both reads must list the same stories in the same order — also across stories published in the
/// same instant — and a content event naming the list must move the pages at once.
/// </summary>
public abstract class DeepPageTests(BylineApp app)
{
    [DatabaseFact]
    public async Task A_deep_section_page_lists_the_same_stories_read_by_offset_and_by_seek()
    {
        var section = await app.Content.SectionAsync();
        var stories = await TiedStoriesAsync(s => app.Content.StoryAsync(section, s));
        var expected = NewestFirst(stories);

        await AssertPagesAsync($"/{section.Slug}", expected);
        // The second reads were seeks: the first read of each page held the entry before it.
        Assert.True(app.Services.GetRequiredService<PageBoundaries>().TryGet(ContentKeys.Section(section.Id), 3, out _));
    }

    [DatabaseFact]
    public async Task A_deep_sub_section_page_lists_the_same_stories_read_by_offset_and_by_seek()
    {
        var parent = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);
        var stories = await TiedStoriesAsync(s => app.Content.StoryAsync(sub, s));

        await AssertPagesAsync($"/{parent.Slug}/{sub.Slug}", NewestFirst(stories));
    }

    [DatabaseFact]
    public async Task A_deep_tag_page_lists_the_same_stories_read_by_offset_and_by_seek()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var stories = await TiedStoriesAsync(s => app.Content.StoryAsync(section, s with { Tags = [tag] }));

        await AssertPagesAsync($"/tag/{tag.Slug}", NewestFirst(stories));
    }

    [DatabaseFact]
    public async Task A_deep_author_page_lists_the_same_stories_read_by_offset_and_by_seek()
    {
        var section = await app.Content.SectionAsync();
        var author = await app.Content.AuthorAsync();
        var stories = await TiedStoriesAsync(s => app.Content.StoryAsync(section, s with { Authors = [author] }));

        await AssertPagesAsync($"/author/{author.Slug}", NewestFirst(stories));
    }

    [DatabaseFact]
    public async Task Publishing_a_story_moves_the_held_deep_pages_of_its_section_and_tag()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var stories = await TiedStoriesAsync(s => app.Content.StoryAsync(section, s with { Tags = [tag] }));
        var size = app.Content.CurrentSettings.PageSize;
        foreach (var list in new[] { $"/{section.Slug}", $"/tag/{tag.Slug}" })
        {
            await app.PageAsync(list + "?page=2");
            await app.PageAsync(list + "?page=2");
        }

        var newest = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], Paragraphs = 1, PublishedAt = TestContent.Now() });

        var expected = NewestFirst([.. stories, newest]);
        foreach (var list in new[] { $"/{section.Slug}", $"/tag/{tag.Slug}" })
        {
            Assert.Equal(expected.Skip(size).Take(size), (await app.PageAsync(list + "?page=2")).StoryLinks());
        }
    }

    [DatabaseFact]
    public async Task Withdrawing_a_story_moves_the_held_deep_pages_of_its_author()
    {
        var section = await app.Content.SectionAsync();
        var author = await app.Content.AuthorAsync();
        var stories = await TiedStoriesAsync(s => app.Content.StoryAsync(section, s with { Authors = [author] }));
        var size = app.Content.CurrentSettings.PageSize;
        var list = $"/author/{author.Slug}";
        await app.PageAsync(list + "?page=2");
        await app.PageAsync(list + "?page=2");
        var withdrawn = NewestFirst(stories)[0];
        var gone = stories.Single(s => s.Path == withdrawn);

        // What the newsroom does on unpublishing: the story and its list rows leave the lists, then one event.
        var keys = await app.WithDbAsync(db => AffectedKeys.ForArticleAsync(db, gone.Id, CancellationToken.None));
        await app.WithDbAsync(async db =>
        {
            await db.Articles.Where(a => a.Id == gone.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Status, ArticleStatus.Unpublished));
            await db.ArticleAuthors.Where(a => a.ArticleId == gone.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.ListedAt, (DateTime?)null));
            await db.ArticleTags.Where(a => a.ArticleId == gone.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.ListedAt, (DateTime?)null));
            return 0;
        });
        await app.Content.RaiseAsync("unpublished", [.. keys]);

        var expected = NewestFirst(stories.Where(s => s.Id != gone.Id).ToList());
        Assert.Equal(expected.Skip(size).Take(size), (await app.PageAsync(list + "?page=2")).StoryLinks());
    }

    /// <summary>
    /// Two and a half pages of stories published in groups of three sharing one instant, so a page
    /// boundary falls inside a group (the order within it is by id).
    /// </summary>
    private async Task<List<Story>> TiedStoriesAsync(Func<StorySpec, Task<Story>> add)
    {
        var size = app.Content.CurrentSettings.PageSize;
        var count = size * 2 + size / 2;
        var newest = TestContent.Now().AddMinutes(-5);
        var stories = new List<Story>();
        for (var i = 0; i < count; i++)
        {
            stories.Add(await add(new StorySpec { Paragraphs = 1, PublishedAt = newest.AddSeconds(-(i / 3)) }));
        }
        return stories;
    }

    private static List<string> NewestFirst(IEnumerable<Story> stories) =>
        [.. stories.OrderByDescending(s => s.PublishedAt).ThenByDescending(s => s.Id).Select(s => s.Path)];

    private async Task AssertPagesAsync(string list, List<string> expected)
    {
        var size = app.Content.CurrentSettings.PageSize;
        var pages = (expected.Count + size - 1) / size;
        Assert.True(pages >= 3);
        for (var page = 2; page <= pages; page++)
        {
            var want = expected.Skip((page - 1) * size).Take(size).ToList();
            var first = await app.PageAsync($"{list}?page={page}");
            var again = await app.PageAsync($"{list}?page={page}");

            Assert.Equal(want, first.StoryLinks());
            Assert.Equal(want, again.StoryLinks());
            Assert.Equal(page < pages, again.QuerySelector("nav.pagination a[rel=next]") is not null);
        }
    }
}

public sealed class DeepPageOnSqlite(SqliteApp app) : DeepPageTests(app), IClassFixture<SqliteApp>;

public sealed class DeepPageOnPostgres(PostgresApp app) : DeepPageTests(app), IClassFixture<PostgresApp>;
