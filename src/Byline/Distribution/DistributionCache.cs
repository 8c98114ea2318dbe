using Byline.Publishing;

namespace Byline.Distribution;

/// <summary>
/// Names the content keys a feed or sitemap shows, so that caches evict it with the pages it
/// describes. Until the output cache reads keys from the request, the names travel in the
/// <c>Surrogate-Key</c> header that a CDN purges by; the output cache hooks in here.
/// </summary>
public static class DistributionCache
{
    public static void Tag(HttpContext context, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        var all = keys.Append(ContentKeys.Settings).Distinct(StringComparer.Ordinal).ToArray();
        context.Items[ItemKey] = all;
        context.Response.Headers["Surrogate-Key"] = string.Join(' ', all);
    }

    /// <summary>The keys a handler named for this response, for the output cache to store beside it.</summary>
    public static IReadOnlyList<string> KeysOf(HttpContext context) =>
        context?.Items[ItemKey] as string[] ?? [];

    private const string ItemKey = "Byline.Distribution.Keys";
}
