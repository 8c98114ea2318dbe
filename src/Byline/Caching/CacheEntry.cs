using Microsoft.Extensions.Primitives;

namespace Byline.Caching;

/// <summary>The negotiated content coding of a response.</summary>
public enum Coding
{
    Identity,
    Gzip,
    Brotli,
}

/// <summary>
/// One stored response: the identity bytes and their gzip and Brotli copies, made once when the page
/// rendered, with the headers to replay and the content keys it shows.
/// </summary>
public sealed class CacheEntry
{
    public CacheEntry(string key, byte[] identity, byte[] gzip, byte[] brotli, string etagBase,
        KeyValuePair<string, StringValues>[] headers, IReadOnlyCollection<string> hard, IReadOnlyCollection<string> soft, long freshUntil)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(gzip);
        ArgumentNullException.ThrowIfNull(brotli);
        Key = key;
        Identity = identity;
        Gzip = gzip;
        Brotli = brotli;
        EtagBase = etagBase;
        Headers = headers;
        HardTags = [.. hard];
        SoftTags = [.. soft];
        // Stable order: a CDN and a reader of the header see the same list for the same page.
        SurrogateKey = string.Join(' ', HardTags.Concat(SoftTags).Order(StringComparer.Ordinal));
        FreshUntil = freshUntil;
        ETags = [$"\"{etagBase}\"", $"\"{etagBase}-gz\"", $"\"{etagBase}-br\""];
        Lengths = [identity.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            gzip.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            brotli.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        Size = identity.Length + gzip.Length + brotli.Length + 512 + key.Length * 2 + SurrogateKey.Length * 2;
    }

    public string Key { get; }
#pragma warning disable CA1819 // served as they are on every hit; a copy per request would undo the cache
    public byte[] Identity { get; }
    public byte[] Gzip { get; }
    public byte[] Brotli { get; }
#pragma warning restore CA1819

    /// <summary>A hash of the identity bytes; each coding's strong ETag is this plus a suffix.</summary>
    public string EtagBase { get; }

#pragma warning disable CA1819 // header values made once and written as they are on every hit; only Caching builds them
    /// <summary>ETag per <see cref="Coding"/>, quoted.</summary>
    public string[] ETags { get; }

    public string[] Lengths { get; }

    /// <summary>Headers the page set (Content-Type and the like), replayed on every hit.</summary>
    public KeyValuePair<string, StringValues>[] Headers { get; }

    public string[] HardTags { get; }
    public string[] SoftTags { get; }
#pragma warning restore CA1819
    public string SurrogateKey { get; }

    /// <summary>The keys comma-separated, for Cloudflare's <c>Cache-Tag</c>.</summary>
    public string CacheTag => SurrogateKey.Replace(' ', ',');

    /// <summary><see cref="TimeProvider.GetTimestamp"/> until which the entry is fresh.</summary>
    public long FreshUntil { get; }

    public long Size { get; }

    /// <summary>
    /// True until the entry's first hit: it sits in the store's small probation share, where one-off
    /// keys push out only each other (see <see cref="CacheOptions.ProbationShare"/>).
    /// </summary>
    public volatile bool Probation = true;

    /// <summary>Set when a soft key changed: served once more while a request re-renders.</summary>
    public volatile bool Stale;

    /// <summary>Last hit, a <see cref="TimeProvider.GetTimestamp"/>; the trim drops the least recent first.</summary>
    public long LastUsed;

    public bool IsFresh(long now) => !Stale && now < FreshUntil;

    public byte[] Body(Coding coding) => coding switch
    {
        Coding.Brotli => Brotli,
        Coding.Gzip => Gzip,
        _ => Identity,
    };
}
