using System.Net;
using System.Text.Json;
using Byline.Caching;
using Byline.Content;
using Byline.Events;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Byline.Tests.Caching;

/// <summary>
/// Each CDN adapter against a loopback receiver standing in for the CDN's API: the exact requests a
/// story change sends, and a failing CDN retried by the outbox until it takes the purge.
/// </summary>
public abstract class CdnAdapterTests(BylineApp app) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private PurgeReceiver? _receiver;

    private PurgeReceiver Receiver => _receiver!;

    private CacheOptions Options => app.Services.GetRequiredService<IOptionsMonitor<CacheOptions>>().CurrentValue;

    public async Task InitializeAsync() => _receiver = await PurgeReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        Options.Cdn = new CdnOptions();
        await Receiver.DisposeAsync();
    }

    private async Task<(Story Story, Tag Tag, Author Author)> StoryAsync()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], Authors = [author], PublishedAt = TestContent.Now().AddDays(-2) });
        return (story, tag, author);
    }

    private async Task<ReceivedRequest> ReceivedAsync(Func<ReceivedRequest, bool> match, string what)
    {
        ReceivedRequest? found = null;
        await Poll.UntilAsync(() => Task.FromResult((found = Receiver.Requests.FirstOrDefault(match)) is not null), what, Deadline);
        return found!;
    }

    [DatabaseFact]
    public async Task Fastly_gets_a_batch_purge_by_surrogate_key_with_its_token()
    {
        var (story, tag, author) = await StoryAsync();
        Options.Cdn = new CdnOptions
        {
            Kind = CdnKind.Fastly,
            Fastly = new FastlyOptions { BaseUrl = Receiver.Address, ServiceId = "svc-1", Token = "fastly-secret", SoftPurge = true },
        };
        var marker = ContentKeys.Article(story.Id);

        await app.Content.ArticlesChangedAsync([story.Id]);

        var call = await ReceivedAsync(r => r.Header("Surrogate-Key")?.Split(' ').Contains(marker) == true, "Fastly purge of " + marker);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/service/svc-1/purge", call.PathAndQuery);
        Assert.Equal("fastly-secret", call.Header("Fastly-Key"));
        Assert.Equal("1", call.Header("Fastly-Soft-Purge"));
        var keys = call.Header("Surrogate-Key")!.Split(' ');
        Assert.Superset(new HashSet<string>
        {
            marker, ContentKeys.Section(story.Section.Id), ContentKeys.Tag(tag.Id), ContentKeys.Author(author.Id), ContentKeys.Home, ContentKeys.Latest,
        }, keys.ToHashSet());
    }

    [DatabaseFact]
    public async Task Cloudflare_gets_cache_tags_with_a_bearer_token_and_pages_carry_Cache_Tag()
    {
        var (story, _, _) = await StoryAsync();
        Options.Cdn = new CdnOptions
        {
            Kind = CdnKind.Cloudflare,
            Cloudflare = new CloudflareOptions { BaseUrl = new Uri(Receiver.Address, "/client/v4"), ZoneId = "zone-9", Token = "cf-secret" },
        };
        var marker = ContentKeys.Article(story.Id);

        using (var page = await app.GetAsync(story.Path))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var tags = page.Headers.GetValues("Cache-Tag").Single().Split(',');
            Assert.Contains(marker, tags);
            Assert.Equal(page.Headers.GetValues("Surrogate-Key").Single().Split(' ').Order(), tags.Order());
        }
        await app.Content.ArticlesChangedAsync([story.Id]);

        var call = await ReceivedAsync(r => r.Body.Contains($"\"{marker}\"", StringComparison.Ordinal), "Cloudflare purge of " + marker);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/client/v4/zones/zone-9/purge_cache", call.PathAndQuery);
        Assert.Equal("Bearer cf-secret", call.Header("Authorization"));
        var body = JsonSerializer.Deserialize<JsonElement>(call.Body);
        Assert.Equal(["tags"], body.EnumerateObject().Select(p => p.Name));
        var sent = body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains(ContentKeys.Section(story.Section.Id), sent);
        Assert.Contains(ContentKeys.Home, sent);
    }

    [DatabaseFact]
    public async Task Cloudflare_without_tags_gets_the_affected_pages_urls()
    {
        var (story, tag, author) = await StoryAsync();
        Options.Cdn = new CdnOptions
        {
            Kind = CdnKind.Cloudflare,
            PublicBaseUrl = "https://news.example",
            Cloudflare = new CloudflareOptions { BaseUrl = Receiver.Address, ZoneId = "zone-9", Token = "cf-secret", PurgeBy = CloudflarePurgeBy.Files, BatchSize = 100 },
        };
        var storyUrl = "https://news.example" + story.Path;

        await app.Content.ArticlesChangedAsync([story.Id]);

        var call = await ReceivedAsync(r => r.Body.Contains(storyUrl, StringComparison.Ordinal), "Cloudflare purge of " + storyUrl);
        var files = JsonSerializer.Deserialize<JsonElement>(call.Body).GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(Expected(storyUrl, story, tag, author).Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }

    private static List<string> Expected(string storyUrl, Story story, Tag tag, Author author) =>
        [storyUrl, "https://news.example/", $"https://news.example/{story.Section.Slug}", $"https://news.example/tag/{tag.Slug}",
         $"https://news.example/author/{author.Slug}", "https://news.example/sitemap", "https://news.example/sitemap.xml", "https://news.example/news-sitemap.xml"];

    [DatabaseFact]
    public async Task Http_purge_sends_one_request_per_affected_url_with_the_method_and_host()
    {
        var (story, _, _) = await StoryAsync();
        Options.Cdn = new CdnOptions
        {
            Kind = CdnKind.Http,
            PublicBaseUrl = "https://news.example",
            Http = new HttpCdnOptions { BaseUrl = Receiver.Address, Method = "PURGE" },
        };

        await app.Content.ArticlesChangedAsync([story.Id]);

        var call = await ReceivedAsync(r => r.PathAndQuery == story.Path, "PURGE " + story.Path);
        Assert.Equal("PURGE", call.Method);
        Assert.Equal("news.example", call.Header("Host"));
        var front = await ReceivedAsync(r => r.PathAndQuery == "/" + story.Section.Slug, "PURGE of the section front");
        Assert.Equal("PURGE", front.Method);
        await ReceivedAsync(r => r.PathAndQuery == "/" && r.Method == "PURGE", "PURGE of the home page");
    }

    [DatabaseFact]
    public async Task Varnish_ban_names_the_keys_in_one_request()
    {
        var (story, _, _) = await StoryAsync();
        Options.Cdn = new CdnOptions
        {
            Kind = CdnKind.Http,
            Http = new HttpCdnOptions { BaseUrl = Receiver.Address, Method = "BAN", BanHeader = "X-Ban-Keys" },
        };
        var marker = ContentKeys.Article(story.Id);

        await app.Content.ArticlesChangedAsync([story.Id]);

        var call = await ReceivedAsync(r => r.Header("X-Ban-Keys")?.Contains(marker, StringComparison.Ordinal) == true, "BAN of " + marker);
        Assert.Equal("BAN", call.Method);
        Assert.Equal("/", call.PathAndQuery);
        var pattern = new System.Text.RegularExpressions.Regex(call.Header("X-Ban-Keys")!);
        Assert.Matches(pattern, $"author:1 {marker} home");
        Assert.Matches(pattern, "home");
        Assert.DoesNotMatch(pattern, $"{marker}0 article:999999");
    }

    [DatabaseFact]
    public async Task A_failing_cdn_is_retried_by_the_outbox_until_it_takes_the_purge()
    {
        var (story, _, _) = await StoryAsync();
        Receiver.Failures.Enqueue(503);
        Receiver.Failures.Enqueue(500);
        Options.Cdn = new CdnOptions
        {
            Kind = CdnKind.Fastly,
            Fastly = new FastlyOptions { BaseUrl = Receiver.Address, ServiceId = "svc-2", Token = "t" },
        };
        var marker = ContentKeys.Article(story.Id);

        await app.Content.ArticlesChangedAsync([story.Id]);

        await Poll.UntilAsync(() => Task.FromResult(Receiver.Requests.Count(r => r.Header("Surrogate-Key")?.Split(' ').Contains(marker) == true) >= 3 && Receiver.Failures.IsEmpty),
            "the purge sent again after two failures", Deadline);
        var calls = Receiver.Requests.Where(r => r.Header("Surrogate-Key")?.Split(' ').Contains(marker) == true).ToList();
        Assert.All(calls, c => Assert.Equal(calls[0].Header("Surrogate-Key"), c.Header("Surrogate-Key")));
    }
}

public sealed class CdnAdapterOnSqlite(SqliteApp app) : CdnAdapterTests(app), IClassFixture<SqliteApp>;

public sealed class CdnAdapterOnPostgres(PostgresApp app) : CdnAdapterTests(app), IClassFixture<PostgresApp>;
