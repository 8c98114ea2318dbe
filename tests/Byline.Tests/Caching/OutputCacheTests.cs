using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Byline.Caching;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Byline.Tests.Caching;

/// <summary>The output cache on the real pipeline: hits, exact eviction, HTTP validators, the purge hook, no stampede.</summary>
public abstract class OutputCacheTests(BylineApp app)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private OutputCacheStore Store => app.Services.GetRequiredService<OutputCacheStore>();

    private async Task<HttpResponseMessage> SendAsync(string path, string? acceptEncoding = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        configure?.Invoke(request);
        return await app.Client.SendAsync(request);
    }

    private static string? XCache(HttpResponseMessage response) =>
        response.Headers.TryGetValues(CacheHeaders.XCache, out var v) ? v.Single() : null;

    private static string[] SurrogateKeys(HttpResponseMessage response) =>
        response.Headers.TryGetValues(CacheHeaders.SurrogateKey, out var v) ? v.Single().Split(' ') : [];

    private async Task<string> WarmAsync(string path)
    {
        using (var first = await SendAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using var second = await SendAsync(path);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("HIT", XCache(second));
        return await second.Content.ReadAsStringAsync();
    }

    private async Task<(Story Story, Section Section, Tag Tag, Author Author)> OldStoryAsync()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        // Two days old: outside the trending strip, so changing it touches no page's chrome.
        var story = await app.Content.StoryAsync(section, new StorySpec
        {
            Tags = [tag],
            Authors = [author],
            PublishedAt = TestContent.Now().AddDays(-2),
        });
        return (story, section, tag, author);
    }

    [DatabaseFact]
    public async Task A_second_request_is_a_hit_with_cache_headers_and_the_same_bytes_in_every_coding()
    {
        var (story, _, tag, author) = await OldStoryAsync();

        using var miss = await SendAsync(story.Path);
        var identity = await miss.Content.ReadAsByteArrayAsync();
        using var gzip = await SendAsync(story.Path, "gzip");
        using var brotli = await SendAsync(story.Path, "gzip, deflate, br");

        Assert.Equal("MISS", XCache(miss));
        Assert.Equal("HIT", XCache(gzip));
        Assert.Equal("HIT", XCache(brotli));
        Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        Assert.Equal(["br"], brotli.Content.Headers.ContentEncoding);
        Assert.Empty(miss.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", miss.Headers.Vary);
        Assert.True(miss.Headers.CacheControl?.Public);
        Assert.NotNull(miss.Headers.CacheControl?.MaxAge);
        Assert.NotNull(miss.Headers.CacheControl?.SharedMaxAge);
        Assert.False(miss.Headers.ETag?.IsWeak);
        Assert.Equal(identity.Length, miss.Content.Headers.ContentLength);

        var zipped = await gzip.Content.ReadAsByteArrayAsync();
        Assert.Equal(zipped.Length, gzip.Content.Headers.ContentLength);
#pragma warning disable CA2000 // Decompress disposes the stream it is given
        Assert.Equal(identity, Decompress(new GZipStream(new MemoryStream(zipped), CompressionMode.Decompress)));
        var squeezed = await brotli.Content.ReadAsByteArrayAsync();
        Assert.Equal(identity, Decompress(new BrotliStream(new MemoryStream(squeezed), CompressionMode.Decompress)));
#pragma warning restore CA2000

        var keys = SurrogateKeys(miss);
        Assert.Contains(ContentKeys.Article(story.Id), keys);
        Assert.Contains(ContentKeys.Section(story.Section.Id), keys);
        Assert.Contains(ContentKeys.Tag(tag.Id), keys);
        Assert.Contains(ContentKeys.Author(author.Id), keys);
        Assert.Contains(ContentKeys.Settings, keys);
        Assert.Contains(CacheTags.Chrome, keys);
    }

    [DatabaseFact]
    public async Task A_matching_if_none_match_answers_304_without_a_body()
    {
        var (story, _, _, _) = await OldStoryAsync();
        using var first = await SendAsync(story.Path, "gzip");
        var etag = first.Headers.ETag!;

        using var again = await SendAsync(story.Path, "gzip", r => r.Headers.IfNoneMatch.Add(etag));
        using var other = await SendAsync(story.Path, "gzip", r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\"")));

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [DatabaseFact]
    public async Task A_head_request_gets_the_headers_of_the_cached_page_and_no_body()
    {
        var (story, _, _, _) = await OldStoryAsync();
        await WarmAsync(story.Path);

        using var headRequest = new HttpRequestMessage(HttpMethod.Head, new Uri(story.Path, UriKind.Relative));
        using var head = await app.Client.SendAsync(headRequest);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("HIT", XCache(head));
        Assert.True(head.Content.Headers.ContentLength > 0);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    /// <summary>
    /// The newsroom's write path for a correction: the story's keys before and after the change, the
    /// change, then one content event with both. Returns the new headline.
    /// </summary>
    private async Task<string> CorrectHeadlineAsync(int storyId)
    {
        var headline = $"Corrected headline {Guid.NewGuid():N}";
        var keys = new HashSet<string>(await app.WithDbAsync(db => AffectedKeys.ForArticleAsync(db, storyId, CancellationToken.None)));
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == storyId)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Headline, headline).SetProperty(a => a.UpdatedAt, TestContent.Now())));
        keys.UnionWith(await app.WithDbAsync(db => AffectedKeys.ForArticleAsync(db, storyId, CancellationToken.None)));
        await app.Services.GetRequiredService<ContentEvents>().RaiseAsync(new ContentChanged([.. keys], "update", storyId), CancellationToken.None);
        return headline;
    }

    [DatabaseFact]
    public async Task Updating_a_story_refreshes_every_page_that_shows_it_and_leaves_an_unrelated_section_cached()
    {
        var (story, section, tag, author) = await OldStoryAsync();
        var unrelated = await app.Content.SectionAsync();
        await app.Content.StoryAsync(unrelated, new StorySpec { PublishedAt = TestContent.Now().AddDays(-2) });
        await app.Content.CurateAsync("top", story);
        string[] showing = [story.Path, $"/{section.Slug}", $"/tag/{tag.Slug}", $"/author/{author.Slug}", "/"];
        foreach (var path in showing)
        {
            Assert.Contains(story.Headline, await WarmAsync(path), StringComparison.Ordinal);
        }
        await WarmAsync($"/{unrelated.Slug}");

        var headline = await CorrectHeadlineAsync(story.Id);

        foreach (var path in showing)
        {
            using var response = await SendAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("MISS", XCache(response));
            Assert.Contains(headline, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var still = await SendAsync($"/{unrelated.Slug}");
        Assert.Equal("HIT", XCache(still));
    }

    [DatabaseFact]
    public async Task Updating_a_story_refreshes_the_feeds_and_the_sitemap_that_show_it_and_leaves_an_unrelated_feed_cached()
    {
        var (story, section, tag, author) = await OldStoryAsync();
        var unrelated = await app.Content.SectionAsync();
        await app.Content.StoryAsync(unrelated, new StorySpec { PublishedAt = TestContent.Now().AddDays(-2) });
        string[] feeds = [$"/{section.Slug}/rss.xml", $"/tag/{tag.Slug}/rss.xml", $"/author/{author.Slug}/rss.xml", "/rss.xml", "/atom.xml"];
        foreach (var path in feeds)
        {
            Assert.Contains(story.Headline, await WarmAsync(path), StringComparison.Ordinal);
        }
        var sitemap = Byline.Distribution.SitemapEndpoints.ArticlesPath(story.Id / Byline.Distribution.SitemapQuery.UrlsPerSitemap);
        Assert.Contains(story.Path, await WarmAsync(sitemap), StringComparison.Ordinal);
        await WarmAsync($"/{unrelated.Slug}/rss.xml");

        var headline = await CorrectHeadlineAsync(story.Id);

        foreach (var path in feeds)
        {
            using var response = await SendAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("MISS", XCache(response));
            Assert.Contains(headline, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var refreshed = await SendAsync(sitemap))
        {
            Assert.Equal("MISS", XCache(refreshed));
        }
        using var still = await SendAsync($"/{unrelated.Slug}/rss.xml");
        Assert.Equal("HIT", XCache(still));
    }

    [DatabaseFact]
    public async Task Changing_the_settings_evicts_every_page()
    {
        var (story, section, _, _) = await OldStoryAsync();
        await WarmAsync(story.Path);
        await WarmAsync($"/{section.Slug}");
        var name = TestContent.Unique("Gazette");

        await app.Content.SettingsAsync(s => s with { PublicationName = name });

        foreach (var path in new[] { story.Path, $"/{section.Slug}" })
        {
            using var response = await SendAsync(path);
            Assert.Equal("MISS", XCache(response));
            Assert.Contains(name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [DatabaseFact]
    public async Task Fifty_concurrent_requests_after_an_eviction_render_the_page_once()
    {
        var (story, _, _, _) = await OldStoryAsync();
        var body = await WarmAsync(story.Path);
        var renders = new ConcurrentBag<string>();
        void Count(string key)
        {
            if (key.EndsWith(story.Path, StringComparison.Ordinal))
            {
                renders.Add(key);
            }
        }
        Store.Rendering += Count;
        try
        {
            await app.Content.RaiseAsync("test", ContentKeys.Article(story.Id));
            var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => SendAsync(story.Path)));

            Assert.Single(renders);
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.Single(responses, r => XCache(r) == "MISS");
            foreach (var r in responses)
            {
                Assert.Equal(body.Length, (await r.Content.ReadAsStringAsync()).Length);
                r.Dispose();
            }
        }
        finally
        {
            Store.Rendering -= Count;
        }
    }

    [DatabaseFact]
    public async Task While_one_request_re_renders_a_stale_page_the_others_get_the_old_copy()
    {
        var (story, _, _, _) = await OldStoryAsync();
        await WarmAsync(story.Path);
        using var release = new ManualResetEventSlim();
        using var rendering = new SemaphoreSlim(0);
        void Hold(string key)
        {
            if (key.EndsWith(story.Path, StringComparison.Ordinal))
            {
                rendering.Release();
                release.Wait(Deadline);
            }
        }
        Store.Rendering += Hold;
        try
        {
            // "latest" is a side list of the article page: a soft key, so the entry goes stale, not away.
            await app.Content.RaiseAsync("test", ContentKeys.Latest);
            var renderer = Task.Run(() => SendAsync(story.Path));
            Assert.True(await rendering.WaitAsync(Deadline), "no request started to re-render the stale page");

            using var meanwhile = await SendAsync(story.Path);
            Assert.Equal(HttpStatusCode.OK, meanwhile.StatusCode);
            Assert.Equal("STALE", XCache(meanwhile));

            release.Set();
            using var rendered = await renderer;
            Assert.Equal("MISS", XCache(rendered));
        }
        finally
        {
            release.Set();
            Store.Rendering -= Hold;
        }
        using var after = await SendAsync(story.Path);
        Assert.Equal("HIT", XCache(after));
    }

    [DatabaseFact]
    public async Task Signed_in_requests_are_neither_served_from_nor_stored_in_the_cache()
    {
        var (story, _, _, _) = await OldStoryAsync();
        await WarmAsync(story.Path);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var session = editor.Cookies.GetCookieHeader(new Uri(editor.Http.BaseAddress!, "/newsroom"));
        Assert.Contains(NewsroomExtensions.AuthCookie + "=", session, StringComparison.Ordinal);

        using var withSession = await SendAsync(story.Path, configure: r => r.Headers.Add("Cookie", session));
        using var withAuthorization = await SendAsync(story.Path, configure: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token"));

        Assert.Equal(HttpStatusCode.OK, withSession.StatusCode);
        Assert.Null(XCache(withSession));
        Assert.Empty(SurrogateKeys(withSession));
        Assert.Null(XCache(withAuthorization));
    }

    [DatabaseFact]
    public async Task A_made_up_or_expired_session_cookie_is_served_from_the_cache()
    {
        var (story, _, _, _) = await OldStoryAsync();
        await WarmAsync(story.Path);
        var renders = Store.Renders;

        foreach (var cookie in new[] { "byline.auth=someone", "byline.auth=" + new string('A', 400), ".AspNetCore.Identity.Application=x; byline.auth=CfDJ8abc" })
        {
            using var response = await SendAsync(story.Path, configure: r => r.Headers.Add("Cookie", cookie));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("HIT", XCache(response));
        }
        Assert.Equal(renders, Store.Renders);
    }

    [DatabaseFact]
    public async Task Unknown_query_parameters_are_served_the_bare_pages_entry()
    {
        var (story, section, _, _) = await OldStoryAsync();
        await WarmAsync(story.Path);
        await WarmAsync($"/{section.Slug}");
        var (renders, count) = (Store.Renders, Store.Count);

        foreach (var query in new[] { "?utm_source=newsletter", $"?r={Guid.NewGuid():N}", $"?{Guid.NewGuid():N}", "?fbclid=1&utm_medium=x" })
        {
            using var article = await SendAsync(story.Path + query);
            using var list = await SendAsync($"/{section.Slug}" + query);
            Assert.Equal("HIT", XCache(article));
            Assert.Equal("HIT", XCache(list));
        }
        Assert.Equal((renders, count), (Store.Renders, Store.Count));
    }

    [DatabaseFact]
    public async Task A_parameter_the_page_reads_is_still_its_own_entry()
    {
        var section = await app.Content.SectionAsync();
        for (var i = 0; i < 25; i++)
        {
            await app.Content.StoryAsync(section, new StorySpec { PublishedAt = TestContent.Now().AddDays(-3).AddMinutes(-i) });
        }
        var first = await WarmAsync($"/{section.Slug}");
        var second = await WarmAsync($"/{section.Slug}?page=2&utm_source=x");

        Assert.NotEqual(first, second);
        using var again = await SendAsync($"/{section.Slug}?page=2");
        Assert.Equal("HIT", XCache(again));
    }

    [DatabaseFact]
    public async Task Not_found_pages_and_health_are_never_cached()
    {
        var section = await app.Content.SectionAsync();
        foreach (var path in new[] { $"/{section.Slug}/no-such-story-999999999", "/healthz" })
        {
            using var first = await SendAsync(path);
            using var second = await SendAsync(path);
            Assert.Null(XCache(second));
            Assert.Empty(SurrogateKeys(second));
        }
    }

    [DatabaseFact]
    public async Task Each_eviction_is_posted_to_the_purge_webhook()
    {
        var received = new ConcurrentQueue<string[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/purge", async (HttpContext context) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            received.Enqueue([.. body.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!)]);
            return Results.NoContent();
        });
        await receiver.StartAsync();
        var address = receiver.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var options = app.Services.GetRequiredService<IOptionsMonitor<CacheOptions>>().CurrentValue;
        options.PurgeWebhook = address + "/purge";
        try
        {
            var (story, _, _, _) = await OldStoryAsync();
            var marker = ContentKeys.Article(story.Id);

            await app.Content.ArticlesChangedAsync([story.Id]);

            using var deadline = new CancellationTokenSource(Deadline);
            while (!received.Any(k => k.Contains(marker)))
            {
                await Task.Delay(20, deadline.Token);
            }
            var call = received.First(k => k.Contains(marker));
            Assert.Contains(ContentKeys.Section(story.Section.Id), call);
            Assert.Contains(ContentKeys.Home, call);
        }
        finally
        {
            options.PurgeWebhook = null;
            await receiver.StopAsync();
        }
    }

    private static byte[] Decompress(Stream stream)
    {
        using (stream)
        using (var output = new MemoryStream())
        {
            stream.CopyTo(output);
            return output.ToArray();
        }
    }
}

public sealed class OutputCacheOnSqlite(SqliteApp app) : OutputCacheTests(app), IClassFixture<SqliteApp>;

public sealed class OutputCacheOnPostgres(PostgresApp app) : OutputCacheTests(app), IClassFixture<PostgresApp>;
