using Byline.Caching;
using Microsoft.Extensions.Options;

namespace Byline.Tests.Caching;

/// <summary>The store's probation share: entries never asked for twice cannot push out the pages readers come back to.</summary>
public sealed class ProbationTests
{
    private static CacheEntry Entry(string key, int bytes) =>
        new(key, new byte[bytes], [], [], "etag", [], [$"test:{key}"], [], long.MaxValue);

    private static OutputCacheStore Store(CacheOptions options) => new(new FixedOptions(options), TimeProvider.System);

    [Fact]
    public void A_flood_of_one_off_entries_pushes_out_only_other_one_off_entries()
    {
        var options = new CacheOptions { MaxBytes = 1_000_000, ProbationShare = 0.1 };
        using var store = Store(options);
        var pages = Enumerable.Range(0, 50).Select(i => Entry($"/page-{i}", 10_000)).ToList();
        foreach (var page in pages)
        {
            Assert.True(store.TryStore(page, store.Generation));
            store.Promote(page);
        }

        for (var i = 0; i < 2_000; i++)
        {
            store.TryStore(Entry($"/search?q={i}", 10_000), store.Generation);
        }

        Assert.All(pages, page => Assert.Same(page, store.Get(page.Key)));
        Assert.InRange(store.ProbationBytes, 1, (long)(options.MaxBytes * options.ProbationShare));
    }

    [Fact]
    public void A_hit_moves_an_entry_out_of_probation_and_a_re_render_keeps_it_out()
    {
        using var store = Store(new CacheOptions { MaxBytes = 1_000_000 });
        var first = Entry("/world", 10_000);
        store.TryStore(first, store.Generation);
        Assert.True(first.Probation);
        Assert.Equal(first.Size, store.ProbationBytes);

        store.Promote(first);
        var rerendered = Entry("/world", 10_000);
        store.TryStore(rerendered, store.Generation);

        Assert.False(first.Probation);
        Assert.False(rerendered.Probation);
        Assert.Equal(0, store.ProbationBytes);
    }

    [Fact]
    public void Past_the_bound_one_off_entries_go_before_pages_that_were_hit()
    {
        using var store = Store(new CacheOptions { MaxBytes = 200_000, ProbationShare = 1.0 });
        var hit = Entry("/home", 30_000);
        store.TryStore(hit, store.Generation);
        store.Promote(hit);
        for (var i = 0; i < 20; i++)
        {
            store.TryStore(Entry($"/x{i}", 30_000), store.Generation);
        }

        Assert.Same(hit, store.Get("/home"));
        Assert.True(store.Bytes <= 200_000);
    }

    private sealed class FixedOptions(CacheOptions value) : IOptionsMonitor<CacheOptions>
    {
        public CacheOptions CurrentValue => value;

        public CacheOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CacheOptions, string?> listener) => null;
    }
}
