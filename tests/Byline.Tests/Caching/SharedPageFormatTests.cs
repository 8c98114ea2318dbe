using Byline.Caching;
using Microsoft.Extensions.Primitives;

namespace Byline.Tests.Caching;

/// <summary>The bytes a page is shared as between nodes (<see cref="SharedPageStore"/>): read back exactly, or not at all.</summary>
public sealed class SharedPageFormatTests
{
    private static CacheEntry Entry() => new("http://news.example.test/world", "<p>Hello</p>"u8.ToArray(), [1, 2, 3], [4, 5], "etag-base",
        [new("Content-Type", "text/html; charset=utf-8"), new("Link", new StringValues(["</a.css>; rel=preload", "</b.js>; rel=preload"]))],
        ["article:7", "settings"], ["chrome", "latest"], 42);

    [Fact]
    public void A_page_is_read_back_with_its_bytes_headers_keys_and_stamp()
    {
        var stamp = new SharedStamp(1234, new DateTime(2026, 12, 7, 19, 0, 0, DateTimeKind.Utc), "ABCDEF");
        var read = SharedPageStore.Read(SharedPageStore.Write(Entry(), stamp), 99);

        Assert.NotNull(read);
        var (entry, back) = read.Value;
        Assert.Equal(stamp, back);
        Assert.Equal("http://news.example.test/world", entry.Key);
        Assert.Equal("<p>Hello</p>"u8.ToArray(), entry.Identity);
        Assert.Equal([1, 2, 3], entry.Gzip);
        Assert.Equal([4, 5], entry.Brotli);
        Assert.Equal(Entry().ETags, entry.ETags);
        Assert.Equal(["article:7", "settings"], entry.HardTags);
        Assert.Equal(["chrome", "latest"], entry.SoftTags);
        Assert.Equal(99, entry.FreshUntil);
        Assert.Equal(new StringValues(["</a.css>; rel=preload", "</b.js>; rel=preload"]), entry.Headers.Single(h => h.Key == "Link").Value);
    }

    [Fact]
    public void Truncated_or_foreign_bytes_are_not_a_page()
    {
        var bytes = SharedPageStore.Write(Entry(), new SharedStamp(1, DateTime.UtcNow, "X"));
        for (var cut = 0; cut < bytes.Length; cut += 7)
        {
            Assert.Null(SharedPageStore.Read(bytes[..cut], 1));
        }
        Assert.Null(SharedPageStore.Read("not a page"u8.ToArray(), 1));
        var wrongCount = (byte[])bytes.Clone();
        // The header count (after the format, the key and the stamp) set far out of range.
        var at = 4 + (1 + Entry().Key.Length) + 8 + 8 + (1 + "X".Length) + (1 + "etag-base".Length);
        wrongCount[at + 3] = 0x7F;
        Assert.Null(SharedPageStore.Read(wrongCount, 1));
    }
}
