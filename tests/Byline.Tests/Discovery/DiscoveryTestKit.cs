using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Discovery;

/// <summary>What discovery tests share: unique searchable words, raising content events, sending views.</summary>
public static class DiscoveryTestKit
{
    public const string BrowserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    /// <summary>A word no other test uses, letters only, so every engine tokenises it the same way.</summary>
    public static string Word() =>
        "zq" + new string(Guid.NewGuid().ToString("N")[..10].Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c).ToArray());

    /// <summary>Tells the app a story changed, as the publishing service does after its transaction.</summary>
    public static async Task RaiseChangedAsync(this BylineApp app, int articleId)
    {
        ArgumentNullException.ThrowIfNull(app);
        var keys = await app.WithDbAsync(db => AffectedKeys.ForArticleAsync(db, articleId, CancellationToken.None));
        await app.Services.GetRequiredService<ContentEvents>().RaiseAsync(new ContentChanged(keys, "test", articleId), CancellationToken.None);
    }

    public static async Task<Story> PublishAsync(this BylineApp app, Section section, StorySpec spec)
    {
        ArgumentNullException.ThrowIfNull(app);
        var story = await app.Content.StoryAsync(section, spec);
        await app.RaiseChangedAsync(story.Id);
        return story;
    }

    /// <summary>The token the story's page carries now (what the page's script sends).</summary>
    public static string ViewToken(this BylineApp app, int articleId)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<Byline.Discovery.ViewTokens>().For(articleId);
    }

    public static Task<HttpResponseMessage> ViewAsync(this BylineApp app, int articleId, string? userAgent = BrowserAgent) =>
        app.BeaconAsync(app.ViewToken(articleId), userAgent);

    public static async Task<HttpResponseMessage> BeaconAsync(this BylineApp app, string body, string? userAgent = BrowserAgent)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v", UriKind.Relative))
        {
            Content = new StringContent(body),
        };
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }
        return await app.Client.SendAsync(request);
    }

    public static string Body(params string[] paragraphs) => string.Join("\n\n", paragraphs) + "\n";
}
