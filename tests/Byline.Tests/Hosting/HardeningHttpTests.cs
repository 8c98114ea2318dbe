using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Byline.Caching;
using Byline.Hosting;
using Byline.LiveBlogs;
using Byline.Newsroom;
using Byline.Tests.LiveBlogs;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Byline.Tests.Hosting;

internal static class Hardening
{
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) ? string.Join(", ", v)
        : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(", ", c) : null;

    public static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}

/// <summary>Content-Security-Policy and the other security headers, on every kind of response.</summary>
public abstract class SecurityHeaderTests(BylineApp app)
{
    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        var csp = Hardening.Header(response, "Content-Security-Policy");
        Assert.True(csp is not null, $"{what} has no Content-Security-Policy");
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("base-uri 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Hardening.Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Hardening.Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Hardening.Header(response, "Permissions-Policy") ?? "", StringComparison.Ordinal);
        // Served over plain HTTP: no HSTS.
        Assert.Null(Hardening.Header(response, "Strict-Transport-Security"));
    }

    [DatabaseFact]
    public async Task Cached_and_uncached_pages_static_files_errors_and_streams_carry_the_security_headers()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        var live = await LiveBlogKit.CreateAsync(app, section);

        using (var miss = await app.GetAsync(story.Path))
        {
            Assert.Equal("MISS", Hardening.Header(miss, CacheHeaders.XCache));
            AssertSecurityHeaders(miss, "an uncached article");
        }
        using (var hit = await app.GetAsync(story.Path))
        {
            Assert.Equal("HIT", Hardening.Header(hit, CacheHeaders.XCache));
            AssertSecurityHeaders(hit, "a cached article");
        }
        foreach (var path in new[] { "/site.css", "/no-such-page-" + Guid.NewGuid().ToString("N"), "/rss.xml", "/healthz" })
        {
            using var response = await app.GetAsync(path);
            AssertSecurityHeaders(response, path);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(LiveBlogExtensions.StreamPath(live.Id), UriKind.Relative));
        using var stream = await app.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        AssertSecurityHeaders(stream, "a live stream");
    }

    [DatabaseFact]
    public async Task Newsroom_pages_are_never_framed_and_reader_pages_only_by_the_site_itself()
    {
        using var newsroom = await app.GetAsync("/newsroom/signin");
        using var home = await app.GetAsync("/");

        Assert.Contains("frame-ancestors 'none'", Hardening.Header(newsroom, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("DENY", Hardening.Header(newsroom, "X-Frame-Options"));
        Assert.Contains("frame-ancestors 'self'", Hardening.Header(home, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", Hardening.Header(home, "X-Frame-Options"));
        // The story editor frames a story's preview at phone and desktop widths: only that route may be framed, and only by the site.
        foreach (var path in new[] { "/newsroom/stories/12/preview", "/newsroom/stories/12/preview/short" })
        {
            using var preview = await app.GetAsync(path);
            Assert.Contains("frame-ancestors 'self'", Hardening.Header(preview, "Content-Security-Policy"), StringComparison.Ordinal);
            Assert.Equal("SAMEORIGIN", Hardening.Header(preview, "X-Frame-Options"));
        }
        foreach (var path in new[] { "/newsroom/stories/12", "/newsroom/stories/12/revisions", "/newsroom/stories/x/preview", "/newsroom/stories/12/previewer" })
        {
            using var other = await app.GetAsync(path);
            Assert.Contains("frame-ancestors 'none'", Hardening.Header(other, "Content-Security-Policy"), StringComparison.Ordinal);
            Assert.Equal("DENY", Hardening.Header(other, "X-Frame-Options"));
        }
    }

    [DatabaseFact]
    public async Task Every_inline_script_and_style_of_the_reader_pages_is_allowed_by_its_policy()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec
        {
            BodyMarkdown = "First paragraph.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nSecond paragraph.",
        });
        var live = await LiveBlogKit.CreateAsync(app, section);
        foreach (var path in new[] { "/", "/" + section.Slug, story.Path, live.Path, "/shorts", "/web-stories", "/search?q=paragraph", "/newsroom/signin" })
        {
            using var response = await app.GetAsync(path);
            var csp = Hardening.Header(response, "Content-Security-Policy") ?? "";
            var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            // A data block (JSON-LD) is not run and needs no hash; anything a browser would run does.
            foreach (var script in page.QuerySelectorAll("script:not([src])")
                .Where(s => s.GetAttribute("type") is null or "" or "module" or "text/javascript" or "application/javascript"))
            {
                var hash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.TextContent))) + "'";
                Assert.True(csp.Contains(hash, StringComparison.Ordinal), $"{path} has an inline script whose hash {hash} the policy does not name");
            }
            Assert.Empty(page.QuerySelectorAll("style, [style], [onclick], [onload], [onerror], [onsubmit], [onchange]")
                .Select(e => path + ": " + e.OuterHtml[..Math.Min(80, e.OuterHtml.Length)]));
            foreach (var frame in page.QuerySelectorAll("iframe[src]"))
            {
                var origin = new Uri(frame.GetAttribute("src")!).GetLeftPart(UriPartial.Authority);
                Assert.Contains(origin, csp, StringComparison.Ordinal);
            }
        }
    }
}

public sealed class SecurityHeaderTestsOnSqlite(SqliteApp app) : SecurityHeaderTests(app), IClassFixture<SqliteApp>;

public sealed class SecurityHeaderTestsOnPostgres(PostgresApp app) : SecurityHeaderTests(app), IClassFixture<PostgresApp>;

/// <summary>Per-client cap on live streams, on the in-process app.</summary>
public abstract class LiveStreamLimitTests(BylineApp app)
{
    [DatabaseFact]
    public async Task A_client_past_its_share_of_live_streams_gets_429_and_a_slot_again_once_one_closes()
    {
        var live = await LiveBlogKit.CreateAsync(app, await app.Content.SectionAsync());
        var perClient = app.Services.GetRequiredService<IOptions<StreamLimitOptions>>().Value.MaxStreamsPerClient;
        var path = new Uri(LiveBlogExtensions.StreamPath(live.Id), UriKind.Relative);
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < perClient; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                var response = await app.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                open.Add(response);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            using (var refused = await app.Client.GetAsync(path))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Equal("live-streams-per-client", await Hardening.ProblemCodeAsync(refused));
                Assert.NotNull(refused.Headers.RetryAfter);
            }

            open[0].Dispose();
            open.RemoveAt(0);
            var gate = app.Services.GetRequiredService<StreamGate>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // The server notices the closed stream when its connection goes; wait for the slot to be given back.
            while (gate.Count >= perClient && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
            using var againRequest = new HttpRequestMessage(HttpMethod.Get, path);
            var again = await app.Client.SendAsync(againRequest, HttpCompletionOption.ResponseHeadersRead);
            open.Add(again);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        finally
        {
            foreach (var response in open)
            {
                response.Dispose();
            }
        }
    }
}

public sealed class LiveStreamLimitTestsOnSqlite(SqliteApp app) : LiveStreamLimitTests(app), IClassFixture<SqliteApp>;

public sealed class LiveStreamLimitTestsOnPostgres(PostgresApp app) : LiveStreamLimitTests(app), IClassFixture<PostgresApp>;

/// <summary>One render slot and no queue, so a test that holds the slot sees what an overloaded server does.</summary>
public static class OneRenderSlot
{
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Byline:LoadShedding:MaxConcurrentRenders"] = "1",
        ["Byline:LoadShedding:QueueLimit"] = "0",
    };
}

public sealed class OneRenderSlotSqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings => OneRenderSlot.Settings;
}

public sealed class OneRenderSlotPostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings => OneRenderSlot.Settings;
}

public abstract class LoadSheddingTests(BylineApp app)
{
    private RenderLimiter Limiter => app.Services.GetRequiredService<RenderLimiter>();

    [DatabaseFact]
    public async Task A_render_past_the_limit_gets_503_with_Retry_After_and_renders_once_a_slot_is_free()
    {
        var story = await app.Content.StoryAsync(await app.Content.SectionAsync());
        using (var slot = await Limiter.TryEnterAsync(CancellationToken.None))
        {
            Assert.NotNull(slot);
            using var shed = await app.GetAsync(story.Path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.Equal("overloaded", await Hardening.ProblemCodeAsync(shed));
            Assert.NotNull(shed.Headers.RetryAfter);
            Assert.NotNull(Hardening.Header(shed, "Content-Security-Policy"));

            // Health checks are never shed.
            using var health = await app.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var served = await app.GetAsync(story.Path);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [DatabaseFact]
    public async Task A_shed_render_of_a_page_the_cache_holds_stale_is_answered_with_the_stale_copy()
    {
        var story = await app.Content.StoryAsync(await app.Content.SectionAsync());
        using (var first = await app.GetAsync(story.Path))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var store = app.Services.GetRequiredService<OutputCacheStore>();
        var key = new Uri(app.Client.BaseAddress!, story.Path).GetLeftPart(UriPartial.Path);
        var entry = store.Get(key);
        Assert.True(entry is not null, $"the article was not cached under {key}");
        entry.Stale = true;

        using (var slot = await Limiter.TryEnterAsync(CancellationToken.None))
        {
            Assert.NotNull(slot);
            using var stale = await app.GetAsync(story.Path);
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal("STALE", Hardening.Header(stale, CacheHeaders.XCache));
            Assert.Contains(story.Headline, await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The stale copy was kept, not dropped, and the next free render replaces it.
        using var fresh = await app.GetAsync(story.Path);
        Assert.Equal("MISS", Hardening.Header(fresh, CacheHeaders.XCache));
    }
}

public sealed class LoadSheddingTestsOnSqlite(OneRenderSlotSqliteApp app) : LoadSheddingTests(app), IClassFixture<OneRenderSlotSqliteApp>;

public sealed class LoadSheddingTestsOnPostgres(OneRenderSlotPostgresApp app) : LoadSheddingTests(app), IClassFixture<OneRenderSlotPostgresApp>;

/// <summary>Forwarded headers switched on, with the test client's loopback address as the one known proxy.</summary>
public static class BehindProxy
{
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Byline:ForwardedHeaders:Enabled"] = "true",
        ["Byline:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        ["Byline:Newsroom:SignInPostsPerMinute"] = "3",
    };
}

public sealed class BehindProxySqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings => BehindProxy.Settings;
}

public sealed class BehindProxyPostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings => BehindProxy.Settings;
}

/// <summary>Sign-in posts counted per client behind a known proxy, whatever the client writes into X-Forwarded-For.</summary>
public abstract class ForwardedHeaderTests(BylineApp app)
{
    private static async Task<HttpStatusCode> PostSignInAsync(NewsroomClient client, string token, string forwardedFor)
    {
        client.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
        client.Http.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var post = await client.PostAsync("/newsroom/signin",
            [new("Email", "nobody@newsroom.test"), new("Password", "Wrong-password-1!"), new(NewsroomClient.TokenField, token)]);
        return post.StatusCode;
    }

    [DatabaseFact]
    public async Task Rotating_the_forged_part_of_X_Forwarded_For_does_not_escape_the_sign_in_limit()
    {
        var limit = app.Services.GetRequiredService<IOptions<NewsroomOptions>>().Value.SignInPostsPerMinute;
        using var client = NewsroomClient.Anonymous(app);
        var token = await client.TokenAsync("/newsroom/signin");
        var statuses = new List<HttpStatusCode>();

        // The client forges the left entries; the proxy appends the address it saw, which is what counts.
        for (var i = 0; i <= limit; i++)
        {
            statuses.Add(await PostSignInAsync(client, token, $"198.51.100.{i + 1}, 203.0.113.7"));
        }
        // Another client behind the same proxy has an allowance of its own.
        var other = await PostSignInAsync(client, token, "203.0.113.8");

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other);
    }

    [DatabaseFact]
    public async Task HSTS_is_sent_when_the_proxy_says_the_request_came_over_HTTPS()
    {
        using var plain = await app.GetAsync("/");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        using var secure = await app.Client.SendAsync(request);

        Assert.Null(Hardening.Header(plain, "Strict-Transport-Security"));
        Assert.StartsWith("max-age=", Hardening.Header(secure, "Strict-Transport-Security"), StringComparison.Ordinal);
    }
}

public sealed class ForwardedHeaderTestsOnSqlite(BehindProxySqliteApp app) : ForwardedHeaderTests(app), IClassFixture<BehindProxySqliteApp>;

public sealed class ForwardedHeaderTestsOnPostgres(BehindProxyPostgresApp app) : ForwardedHeaderTests(app), IClassFixture<BehindProxyPostgresApp>;

/// <summary>With forwarded headers off (the default), X-Forwarded-For means nothing.</summary>
public abstract class ForwardedHeadersOffTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Without_the_setting_X_Forwarded_For_is_ignored_and_rotating_it_does_not_escape_the_sign_in_limit()
    {
        var limit = app.Services.GetRequiredService<IOptions<NewsroomOptions>>().Value.SignInPostsPerMinute;
        using var client = NewsroomClient.Anonymous(app);
        var token = await client.TokenAsync("/newsroom/signin");
        var last = HttpStatusCode.OK;

        for (var i = 0; i <= limit; i++)
        {
            client.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
            client.Http.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-For", $"203.0.113.{i + 1}");
            using var post = await client.PostAsync("/newsroom/signin",
                [new("Email", "nobody@newsroom.test"), new("Password", "Wrong-password-1!"), new(NewsroomClient.TokenField, token)]);
            last = post.StatusCode;
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }
}

public sealed class ForwardedHeadersOffTestsOnSqlite(SqliteApp app) : ForwardedHeadersOffTests(app), IClassFixture<SqliteApp>;

public sealed class ForwardedHeadersOffTestsOnPostgres(PostgresApp app) : ForwardedHeadersOffTests(app), IClassFixture<PostgresApp>;
