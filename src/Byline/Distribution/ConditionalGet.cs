using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Byline.Distribution;

/// <summary>
/// ETag and Last-Modified for generated documents: feed readers poll often, and a 304 costs them
/// and us almost nothing. The ETag wins when the client sent one (RFC 9110 §13.2.2).
/// </summary>
public static class ConditionalGet
{
    public static string ETagOf(string fingerprint)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint));
        return "\"" + Convert.ToHexStringLower(hash.AsSpan(0, 12)) + "\"";
    }

    /// <summary>Sets the validators and answers whether the client's copy is still current.</summary>
    public static bool IsNotModified(HttpContext context, string etag, DateTime? lastModifiedUtc)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.ETag = etag;
        DateTimeOffset? lastModified = lastModifiedUtc is { } lm
            ? new DateTimeOffset(DateTime.SpecifyKind(lm, DateTimeKind.Utc)).AddTicks(-(lm.Ticks % TimeSpan.TicksPerSecond))
            : null;
        if (lastModified is { } stamp)
        {
            headers.LastModified = stamp.ToString("R", CultureInfo.InvariantCulture);
        }
        var request = context.Request.Headers;
        if (request.IfNoneMatch.Count > 0)
        {
            return EntityTagHeaderValue.TryParseList(request.IfNoneMatch, out var tags)
                && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(etag), useStrongComparison: false));
        }
        return lastModified is { } last
            && HeaderUtilities.TryParseDate(request.IfModifiedSince.ToString(), out var since)
            && last <= since;
    }
}
