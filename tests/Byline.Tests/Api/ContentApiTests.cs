using System.Globalization;
using System.Net;
using System.Text.Json;
using Byline.Content;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Api;

/// <summary>The read side of the content API: stories of every format, their filters, cursors, shapes and caching.</summary>
public abstract class ContentApiTests(BylineApp app)
{
    private static string N(int id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<int> StoryAsync(Section section, ArticleStatus status = ArticleStatus.Published, StoryFormat format = StoryFormat.Article,
        DateTime? publishedAt = null, IReadOnlyList<Tag>? tags = null, IReadOnlyList<Author>? authors = null, Image? image = null)
    {
        var id = (await app.Content.StoryAsync(section, new StorySpec
        {
            Status = status,
            PublishedAt = publishedAt,
            Tags = tags ?? [],
            Authors = authors ?? [],
            LeadImage = image,
        })).Id;
        if (format != StoryFormat.Article)
        {
            await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Format, format)));
        }
        return id;
    }

    [DatabaseFact]
    public async Task The_story_list_shows_published_stories_of_every_format_newest_first_and_never_drafts()
    {
        var section = await app.Content.SectionAsync();
        var now = TestContent.Now();
        var formats = StoryFormats.All;
        var published = new List<int>();
        for (var i = 0; i < formats.Length; i++)
        {
            published.Add(await StoryAsync(section, format: formats[i], publishedAt: now.AddMinutes(-10 + i)));
        }
        var draft = await StoryAsync(section, ArticleStatus.Draft);
        var scheduled = await StoryAsync(section, ArticleStatus.Scheduled, publishedAt: now.AddDays(1));

        var answer = await app.ApiAsync($"/api/v1/stories?section={section.Slug}&limit=50");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal(Enumerable.Reverse(published), answer.Ids);
        Assert.DoesNotContain(draft, answer.Ids);
        Assert.DoesNotContain(scheduled, answer.Ids);
        Assert.Equal(formats.Select(StoryFormats.Key).Reverse(), answer.Data.Select(d => d.GetProperty("format").GetString()));
        Assert.All(answer.Data, d => Assert.False(d.TryGetProperty("status", out _)));
    }

    [DatabaseFact]
    public async Task A_keyed_client_pages_through_every_story_with_cursors_without_repeats_or_gaps()
    {
        var key = await app.KeyAsync();
        var section = await app.Content.SectionAsync();
        var now = TestContent.Now();
        var ids = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            // Two stories share each publication time: the id breaks the tie, so none is skipped or repeated.
            ids.Add(await StoryAsync(section, publishedAt: now.AddMinutes(-(i / 2))));
        }

        var listed = await app.AllIdsAsync($"/api/v1/stories?section={N(section.Id)}&limit=2", key);

        var expected = ids.Select((id, i) => (id, at: now.AddMinutes(-(i / 2)))).OrderByDescending(x => x.at).ThenByDescending(x => x.id).Select(x => x.id);
        Assert.Equal(expected, listed);
    }

    [DatabaseFact]
    public async Task Filters_by_sub_section_tag_author_and_format_return_only_matching_stories()
    {
        var top = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(top);
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var inSub = await StoryAsync(sub, tags: [tag]);
        var inTop = await StoryAsync(top, authors: [author]);
        var shortNews = await StoryAsync(top, format: StoryFormat.ShortNews, tags: [tag], authors: [author]);

        Assert.Equal(new[] { shortNews, inTop, inSub }.Order(), (await app.ApiAsync($"/api/v1/stories?section={top.Slug}")).Ids.Order());
        Assert.Equal([inSub], (await app.ApiAsync($"/api/v1/stories?section={sub.Slug}")).Ids);
        Assert.Equal(new[] { shortNews, inSub }.Order(), (await app.ApiAsync($"/api/v1/stories?tag={tag.Slug}")).Ids.Order());
        Assert.Equal(new[] { shortNews, inTop }.Order(), (await app.ApiAsync($"/api/v1/stories?author={N(author.Id)}")).Ids.Order());
        Assert.Equal([shortNews], (await app.ApiAsync($"/api/v1/stories?tag={tag.Slug}&author={author.Slug}&format=short")).Ids);
    }

    [DatabaseFact]
    public async Task UpdatedSince_lists_stories_changed_since_then_oldest_change_first()
    {
        var section = await app.Content.SectionAsync();
        var a = await StoryAsync(section);
        var b = await StoryAsync(section);
        var c = await StoryAsync(section);
        var since = TestContent.Now().AddHours(1);
        await app.WithDbAsync(db => db.Articles.Where(x => x.Id == c).ExecuteUpdateAsync(u => u.SetProperty(x => x.ModifiedAt, since.AddMinutes(1))));
        await app.WithDbAsync(db => db.Articles.Where(x => x.Id == a).ExecuteUpdateAsync(u => u.SetProperty(x => x.ModifiedAt, since.AddMinutes(2))));

        var listed = await app.AllIdsAsync($"/api/v1/stories?section={section.Slug}&updatedSince={since.ToString("O", CultureInfo.InvariantCulture)}&limit=1");

        Assert.Equal([c, a], listed);
        Assert.DoesNotContain(b, listed);
    }

    [DatabaseFact]
    public async Task One_story_carries_its_section_tags_authors_lead_image_and_body_blocks()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var image = await app.Content.ImageAsync();
        var id = await StoryAsync(section, tags: [tag], authors: [author], image: image);

        var story = (await app.ApiAsync($"/api/v1/stories/{N(id)}")).Json;

        Assert.Equal(id, story.GetProperty("id").GetInt32());
        Assert.Equal(section.Slug, story.GetProperty("section").GetProperty("slug").GetString());
        Assert.Equal(tag.Slug, story.GetProperty("tags")[0].GetProperty("slug").GetString());
        Assert.Equal(author.Name, story.GetProperty("authors")[0].GetProperty("name").GetString());
        Assert.Equal(image.Id, story.GetProperty("leadImage").GetProperty("id").GetInt32());
        Assert.StartsWith("/media/", story.GetProperty("leadImage").GetProperty("url").GetString(), StringComparison.Ordinal);
        var kinds = story.GetProperty("body").EnumerateArray().Select(b => b.GetProperty("kind").GetString()).ToList();
        Assert.Contains("paragraph", kinds);
        Assert.Contains("heading", kinds);
        Assert.StartsWith($"/{section.Slug}/", story.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Fields_keep_only_the_named_properties_and_include_adds_related_objects()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        await StoryAsync(section, tags: [tag]);

        var plain = (await app.ApiAsync($"/api/v1/stories?section={section.Slug}")).Data[0];
        var trimmed = (await app.ApiAsync($"/api/v1/stories?section={section.Slug}&fields=id,headline")).Data[0];
        var included = (await app.ApiAsync($"/api/v1/stories?section={section.Slug}&include=tags,section&fields=id,tags,section")).Data[0];

        Assert.False(plain.TryGetProperty("tags", out _));
        Assert.False(plain.TryGetProperty("body", out _));
        Assert.Equal([tag.Id], plain.GetProperty("tagIds").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal(["id", "headline"], trimmed.EnumerateObject().Select(p => p.Name));
        Assert.Equal(tag.Name, included.GetProperty("tags")[0].GetProperty("name").GetString());
        Assert.Equal(section.Id, included.GetProperty("section").GetProperty("id").GetInt32());
        Assert.Equal(3, included.EnumerateObject().Count());
    }

    [DatabaseFact]
    public async Task An_unchanged_answer_is_304_by_its_ETag_and_cache_headers_follow_the_caller()
    {
        var section = await app.Content.SectionAsync();
        var id = await StoryAsync(section);
        var first = await app.ApiAsync($"/api/v1/stories/{N(id)}");
        var etag = first.Headers.ETag!.ToString();

        var again = await app.ApiAsync($"/api/v1/stories/{N(id)}", ifNoneMatch: etag);
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Headline, "A new headline for the story")));
        var changed = await app.ApiAsync($"/api/v1/stories/{N(id)}", ifNoneMatch: etag);
        var keyed = await app.ApiAsync($"/api/v1/stories/{N(id)}", await app.KeyAsync());

        Assert.Equal(HttpStatusCode.NotModified, again.Status);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.NotEqual(etag, changed.Headers.ETag!.ToString());
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.True(keyed.Headers.CacheControl!.Private);
    }

    [DatabaseTheory]
    [InlineData("/api/v1/stories?cursor=not-a-cursor", 400, "invalid_cursor")]
    [InlineData("/api/v1/stories?cursor=dC4wLjU", 400, "invalid_cursor")] // a tag-list cursor ("t.0.5") on the story list
    [InlineData("/api/v1/stories?fields=id,password", 400, "unknown_field")]
    [InlineData("/api/v1/stories?include=comments", 400, "unknown_include")]
    [InlineData("/api/v1/stories?limit=0", 400, "invalid_limit")]
    [InlineData("/api/v1/stories?limit=abc", 400, "invalid_limit")]
    [InlineData("/api/v1/stories?limit=51", 400, "invalid_limit")]
    [InlineData("/api/v1/stories?sectoin=world", 400, "invalid_filter")]
    [InlineData("/api/v1/stories?format=podcast", 400, "invalid_filter")]
    [InlineData("/api/v1/stories?section=no-such-section-anywhere", 400, "invalid_filter")]
    [InlineData("/api/v1/stories?updatedSince=yesterday", 400, "invalid_filter")]
    [InlineData("/api/v1/stories?limit=5&limit=6", 400, "invalid_filter")]
    [InlineData("/api/v1/stories?status=draft", 403, "admin_key_required")]
    [InlineData("/api/v1/stories/999999999", 404, "not_found")]
    [InlineData("/api/v1/tags?cursor=%00%01", 400, "invalid_cursor")]
    [InlineData("/api/v1/sections/no-such-section", 404, "not_found")]
    [InlineData("/api/v1/search", 400, "invalid_query")]
    [InlineData("/api/v1/search?q=%22%22", 400, "invalid_query")]
    [InlineData("/api/v1/nothing-here", 404, "not_found")]
    public async Task Bad_input_is_a_problem_with_its_code(string path, int status, string code)
    {
        var answer = await app.ApiAsync(path);

        Assert.Equal((HttpStatusCode)status, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(code, answer.Code);
    }

    [DatabaseFact]
    public async Task A_keyed_client_may_ask_for_pages_an_anonymous_one_may_not()
    {
        var key = await app.KeyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await app.ApiAsync("/api/v1/stories?limit=500")).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.ApiAsync("/api/v1/stories?limit=500", key)).Status);
        Assert.Equal("invalid_limit", (await app.ApiAsync("/api/v1/stories?limit=501", key)).Code);
    }

    [DatabaseFact]
    public async Task Only_an_admin_key_sees_drafts_and_filters_by_status()
    {
        var (admin, _) = await NewsroomClient.CreateUserAsync(app, Roles.Admin);
        var adminKey = await app.KeyAsync(ApiKeyScope.Admin, admin.Id);
        var contentKey = await app.KeyAsync();
        var section = await app.Content.SectionAsync();
        var draft = await StoryAsync(section, ArticleStatus.Draft);
        var published = await StoryAsync(section);

        var drafts = await app.ApiAsync($"/api/v1/stories?section={section.Slug}&status=draft", adminKey);
        var any = await app.ApiAsync($"/api/v1/stories?section={section.Slug}&status=any", adminKey);
        var one = await app.ApiAsync($"/api/v1/stories/{N(draft)}", adminKey);

        Assert.Equal([draft], drafts.Ids);
        Assert.Equal("draft", drafts.Data[0].GetProperty("status").GetString());
        Assert.Equal(new[] { draft, published }.Order(), any.Ids.Order());
        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.Equal("admin_key_required", (await app.ApiAsync($"/api/v1/stories?status=draft", contentKey)).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ApiAsync($"/api/v1/stories/{N(draft)}", contentKey)).Status);

        await app.WithDbAsync(db => db.Users.Where(u => u.Id == admin.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));
        // The resolved key is held for a few seconds; a fresh key for the same (now disabled) account is read afresh.
        var fresh = await app.KeyAsync(ApiKeyScope.Admin, admin.Id);
        Assert.Equal("key_not_allowed", (await app.ApiAsync("/api/v1/stories", fresh)).Code);
    }

    [DatabaseFact]
    public async Task Sections_tags_authors_shows_pages_and_hubs_are_listed_and_found_by_id_or_slug()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var show = await app.Content.AddAsync(new Show { Slug = TestContent.Unique("show"), Name = "Evening Show", CreatedAt = TestContent.Now() });
        var page = await app.Content.StaticPageAsync(TestContent.Unique("about"));
        var hub = await StoryAsync(section, format: StoryFormat.Hub);

        Assert.Contains(section.Id, (await app.ApiAsync("/api/v1/sections")).Ids);
        Assert.Equal(section.Name, (await app.ApiAsync($"/api/v1/sections/{section.Slug}")).Json.GetProperty("name").GetString());
        Assert.Contains(tag.Id, await app.AllIdsAsync("/api/v1/tags?limit=50"));
        Assert.Equal(tag.Id, (await app.ApiAsync($"/api/v1/tags/{tag.Slug}")).Json.GetProperty("id").GetInt32());
        Assert.Contains(author.Id, await app.AllIdsAsync("/api/v1/authors?limit=50"));
        Assert.Equal(author.Slug, (await app.ApiAsync($"/api/v1/authors/{N(author.Id)}")).Json.GetProperty("slug").GetString());
        Assert.Contains(show.Id, (await app.ApiAsync("/api/v1/shows")).Ids);
        Assert.Equal("Evening Show", (await app.ApiAsync($"/api/v1/shows/{show.Slug}")).Json.GetProperty("name").GetString());
        Assert.Contains(page.Slug, (await app.ApiAsync("/api/v1/pages")).Data.Select(p => p.GetProperty("slug").GetString()));
        Assert.Equal(JsonValueKind.Array, (await app.ApiAsync($"/api/v1/pages/{page.Slug}")).Json.GetProperty("body").ValueKind);
        Assert.Contains(hub, (await app.ApiAsync("/api/v1/hubs?limit=50")).Ids);
        Assert.Equal("invalid_filter", (await app.ApiAsync("/api/v1/hubs?format=article")).Code);
    }

    [DatabaseFact]
    public async Task Search_finds_a_published_story_and_marks_the_words()
    {
        var section = await app.Content.SectionAsync();
        var word = Byline.Tests.Discovery.DiscoveryTestKit.Word();
        var id = (await Byline.Tests.Discovery.DiscoveryTestKit.PublishAsync(app, section, new StorySpec { Headline = $"Council approves {word} plan" })).Id;
        await StoryAsync(section, ArticleStatus.Draft);

        var answer = await app.ApiAsync($"/api/v1/search?q={word}");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var hit = Assert.Single(answer.Data);
        Assert.Equal(id, hit.GetProperty("story").GetProperty("id").GetInt32());
        Assert.Contains("<mark>", hit.GetProperty("headlineHtml").GetString(), StringComparison.Ordinal);
    }
}

public sealed class ContentApiTestsOnSqlite(ApiSqliteApp app) : ContentApiTests(app), IClassFixture<ApiSqliteApp>;

public sealed class ContentApiTestsOnPostgres(ApiPostgresApp app) : ContentApiTests(app), IClassFixture<ApiPostgresApp>;
