using Microsoft.Extensions.Caching.Memory;

namespace Byline.Content;

/// <summary>What a page says about itself: its title, description and site name, trimmed to a card's size.</summary>
public sealed record LinkCard(string Title, string Description, string Site);

/// <summary>A card, or why there is none (a stable code and a sentence for people).</summary>
public sealed record LinkCardResult(LinkCard? Card, string? Code, string? Message);

/// <summary>
/// The link cards the editor's previews fetched (<c>Media/LinkCards.cs</c>), by URL. A save renders an
/// unknown link with the card held here, so readers get the card the writer saw; a link nobody previewed
/// on this node (or whose card expired) is saved as the plain card (provider and address). Saving never fetches.
/// </summary>
public sealed class LinkCardCache(IMemoryCache cache)
{
    private static object Key(string url) => (typeof(LinkCardCache), url);

    public bool TryGet(string url, out LinkCardResult? result) => cache.TryGetValue(Key(url), out result) && result is not null;

    public void Set(string url, LinkCardResult result, TimeSpan keepFor) => cache.Set(Key(url), result, keepFor);

    /// <summary>The card held for an address, or null.</summary>
    public LinkCard? CardFor(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return TryGet(url.AbsoluteUri, out var result) ? result!.Card : null;
    }
}
