using Byline.Caching;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;

namespace Byline.Distribution;

/// <summary>
/// Names the content keys a feed or sitemap shows, so that the output cache stores it and evicts it
/// with the pages it describes, and a CDN can purge it by the same names (<c>Surrogate-Key</c>).
/// </summary>
public static class DistributionCache
{
    public static void Tag(HttpContext context, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        var all = keys.Append(ContentKeys.Settings).Distinct(StringComparer.Ordinal).ToArray();
        context.Items[ItemKey] = all;
        context.CacheTags().Add(all);
        context.Response.Headers["Surrogate-Key"] = string.Join(' ', all);
    }

    /// <summary>The keys a handler named for this response, for the output cache to store beside it.</summary>
    public static IReadOnlyList<string> KeysOf(HttpContext context) =>
        context?.Items[ItemKey] as string[] ?? [];

    private const string ItemKey = "Byline.Distribution.Keys";
}
