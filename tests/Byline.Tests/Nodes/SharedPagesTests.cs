using System.Net;
using Byline.Caching;
using Byline.Events;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Scaling;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Nodes;

/// <summary>
/// Rendered pages shared between the nodes through Redis (docs/scaling.md, "Rendered pages shared between
/// nodes"). Requests carry the public host name, as a load balancer passes it on, so both nodes' pages
/// have the same cache key.
/// </summary>
public sealed class SharedPagesTests(NodesApp app) : IClassFixture<NodesApp>
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);
    private const string Host = "news.example.test";

    [DatabaseFact]
    public async Task A_node_started_after_another_serves_the_pages_it_rendered_without_rendering_them()
    {
        var section = await app.Content.SectionAsync();
        var path = $"/{section.Slug}";
        var (_, onA) = await GetAsync(app.Client, path);
        await WrittenAsync(path);

        await using var b = await app.StartNodeAsync();
        var renders = new List<string>();
        var store = b.Services.GetRequiredService<OutputCacheStore>();
        void Count(string key) => renders.Add(key);
        store.Rendering += Count;
        try
        {
            var (first, onB) = await GetAsync(b.Client, path);
            Assert.Equal("SHARED", first);
            Assert.Equal(onA, onB);
            var (second, again) = await GetAsync(b.Client, path);
            Assert.Equal("HIT", second);
            Assert.Equal(onA, again);
            Assert.DoesNotContain(renders, k => k.EndsWith(path, StringComparison.Ordinal));
        }
        finally
        {
            store.Rendering -= Count;
        }
    }

    [DatabaseFact]
    public async Task A_shared_page_that_changed_since_it_was_rendered_is_refused_and_rendered_again()
    {
        await using var b = await app.StartNodeAsync();
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var input = NewsroomServices.Story(section);
        var (id, version) = await app.DraftAsync(editor, input);
        var path = $"/{section.Slug}";
        // Node A renders the section page without the story and shares it.
        var (_, before) = await GetAsync(app.Client, path);
        Assert.DoesNotContain(input.Headline, before, StringComparison.Ordinal);
        await WrittenAsync(path);

        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        Assert.Equal(PublishOutcome.Ok, published.Outcome);
        var eventId = await app.WithDbAsync(db => db.Set<ContentEvent>().Where(e => e.ArticleId == id).MaxAsync(e => e.Id));
        var dispatcher = b.Services.GetRequiredService<ContentEventDispatcher>();
        await Poll.UntilAsync(() => Task.FromResult(dispatcher.LocalPosition >= eventId), "node B follows the publish", Quick);

        // Redis still holds node A's page from before the publish (nobody asked node A since): node B refuses it.
        var shared = b.Services.GetRequiredService<SharedPageStore>();
        var refused = shared.Refused;
        var (state, body) = await GetAsync(b.Client, path);
        Assert.Equal("MISS", state);
        Assert.Contains(input.Headline, body, StringComparison.Ordinal);
        Assert.Equal(refused + 1, shared.Refused);

        // Node B's render replaced it: node A, which evicted its own copy, now takes node B's.
        await WrittenAsync(path, b.Services, input.Headline);
        var (onA, afterA) = await GetAsync(app.Client, path);
        Assert.Equal("SHARED", onA);
        Assert.Contains(input.Headline, afterA, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Something_unreadable_under_a_pages_key_is_ignored_and_the_page_rendered()
    {
        await using var b = await app.StartNodeAsync();
        var section = await app.Content.SectionAsync();
        var path = $"/{section.Slug}";
        var store = b.Services.GetRequiredService<SharedPageStore>();
        var db = b.Services.GetRequiredService<RedisConnection>().Multiplexer!.GetDatabase();
        await db.StringSetAsync(store.KeyOf($"http://{Host}{path}"), "not a page", TimeSpan.FromMinutes(1));

        var (state, body) = await GetAsync(b.Client, path);
        Assert.Equal("MISS", state);
        Assert.Contains(section.Name, body, StringComparison.Ordinal);
    }

    private static async Task<(string? State, string Body)> GetAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Host = Host;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.TryGetValues(CacheHeaders.XCache, out var v) ? v.Single() : null, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits until the page (showing <paramref name="showing"/>) is in Redis: it is written without waiting, after the response.</summary>
    private async Task WrittenAsync(string path, IServiceProvider? node = null, string showing = "")
    {
        var services = node ?? app.Services;
        var key = services.GetRequiredService<SharedPageStore>().KeyOf($"http://{Host}{path}");
        var db = services.GetRequiredService<RedisConnection>().Multiplexer!.GetDatabase();
        var text = System.Text.Encoding.UTF8.GetBytes(showing);
        await Poll.UntilAsync(async () => await db.StringGetAsync(key) is { IsNull: false } value && ((byte[])value!).AsSpan().IndexOf(text) >= 0,
            $"{path} is in the shared page store", Quick);
    }
}
