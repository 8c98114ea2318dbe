using Byline.Events;
using Byline.Publishing;
using Byline.Site.Stories;
using Microsoft.Extensions.Time.Testing;

namespace Byline.Tests.Site;

/// <summary>
/// The held ids of the newest and Top Stories lists (no database: the loader is the test's). Provider
/// independent, so one class; the pages that use it run on both databases in ArticlePageTests/HomePageTests.
/// </summary>
public sealed class StoryIdCacheTests
{
    private static ContentEventRecord Change(IReadOnlyList<string> keys, string reason, int? articleId = null) =>
        new(1, keys, reason, articleId, "test", DateTime.UnixEpoch);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-30T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task An_expired_list_is_read_again_by_one_request_while_the_others_keep_the_held_ids()
    {
        var cache = new StoryIdCache(_clock);
        await cache.GetAsync("latest", 3, _ => Task.FromResult(new List<int> { 1, 2, 3 }), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3));

        var reads = 0;
        var release = new TaskCompletionSource<List<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<List<int>> Load(CancellationToken _)
        {
            Interlocked.Increment(ref reads);
            return release.Task;
        }
        var first = cache.GetAsync("latest", 3, Load, CancellationToken.None);
        var others = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cache.GetAsync("latest", 3, Load, CancellationToken.None)));

        Assert.Equal(1, reads);
        Assert.All(others, ids => Assert.Equal([1, 2, 3], ids));
        Assert.False(first.IsCompleted);
        release.SetResult([4, 5, 6]);
        Assert.Equal([4, 5, 6], await first);
        Assert.Equal([4, 5, 6], await cache.GetAsync("latest", 3, Load, CancellationToken.None));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task A_failed_read_lets_the_next_request_read_again()
    {
        var cache = new StoryIdCache(_clock);
        await cache.GetAsync("top", 7, _ => Task.FromResult(new List<int> { 9 }), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetAsync("top", 7, _ => Task.FromException<List<int>>(new InvalidOperationException("database gone")), CancellationToken.None));
        var ids = await cache.GetAsync("top", 7, _ => Task.FromResult(new List<int> { 10 }), CancellationToken.None);

        Assert.Equal([10], ids);
    }

    [Fact]
    public async Task A_content_event_drops_the_held_ids_and_no_request_sees_them_afterwards()
    {
        var cache = new StoryIdCache(_clock);
        await cache.GetAsync("latest", 3, _ => Task.FromResult(new List<int> { 1, 2, 3 }), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3));
        var release = new TaskCompletionSource<List<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var refreshing = cache.GetAsync("latest", 3, _ => release.Task, CancellationToken.None);

        cache.OnChange(Change([ContentKeys.Latest], "published"));
        var after = await cache.GetAsync("latest", 3, _ => Task.FromResult(new List<int> { 7, 1, 2 }), CancellationToken.None);

        Assert.Equal([7, 1, 2], after);
        release.SetResult([1, 2, 3]);
        await refreshing;
        // The read that raced with the event is not kept.
        Assert.Equal([7, 1, 2], await cache.GetAsync("latest", 3, _ => Task.FromResult(new List<int> { 8 }), CancellationToken.None));
    }
}
