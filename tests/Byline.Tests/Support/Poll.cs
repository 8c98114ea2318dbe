namespace Byline.Tests.Support;

/// <summary>
/// Waits for something that happens in the background (a consumer, a sender, a job) by asking again
/// until it holds or a deadline passes; never a fixed sleep. The deadline only bounds a failing run.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Reads until <paramref name="done"/> holds for what was read, and returns it; fails naming <paramref name="what"/> and the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var limit = deadline ?? Deadline;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Not within {limit.TotalSeconds:0} s: {what} (last: {value}).");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Asks until <paramref name="condition"/> holds; fails naming <paramref name="what"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(condition, ok => ok, what, deadline);
}
