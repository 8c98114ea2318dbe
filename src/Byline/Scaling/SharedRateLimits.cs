using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace Byline.Scaling;

/// <summary>
/// A fixed-window limit counted in Redis, so every node spends from one budget (the sign-in form's
/// per-address limit: a guesser spread over three nodes gets the same attempts as on one). Each window
/// is a key <c>{prefix}:limit:{name}:{window start}</c>, incremented atomically and expiring after the
/// window. When Redis cannot be reached the node falls back to its own in-memory window of the same
/// size, so an outage never opens the form to unlimited guesses nor locks everyone out.
/// </summary>
public sealed class SharedRateLimits(RedisConnection redis, TimeProvider clock)
{
    public bool Enabled => redis.Enabled;

    /// <summary>A limiter for one partition (an address), counted across nodes while Redis answers.</summary>
    public RateLimiter FixedWindow(string name, int permits, TimeSpan window) =>
        new SharedWindowLimiter(this, name, Math.Max(1, permits), window);

    /// <summary>Counts one use in the current window; null when Redis did not answer.</summary>
    internal long? Count(string name, TimeSpan window)
    {
        if (redis.Multiplexer is not { IsConnected: true } mux)
        {
            return null;
        }
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var size = (long)Math.Max(1, window.TotalMilliseconds);
        var start = now - now % size;
        var key = redis.Key("limit:" + name + ":" + start.ToString(CultureInfo.InvariantCulture));
        try
        {
            var db = mux.GetDatabase();
            var n = db.StringIncrement(key);
            if (n == 1)
            {
                db.KeyExpire(key, window + TimeSpan.FromSeconds(5), CommandFlags.FireAndForget);
            }
            return n;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private sealed class SharedWindowLimiter(SharedRateLimits limits, string name, int permits, TimeSpan window) : RateLimiter
    {
        // What this node allows on its own while Redis does not answer.
        private readonly FixedWindowRateLimiter _local = new(new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });

        public override TimeSpan? IdleDuration => _local.IdleDuration;

        public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            if (permitCount == 0)
            {
                return _local.AttemptAcquire(0);
            }
            if (limits.Count(name, window) is long used)
            {
                return used <= permits ? Verdict.Granted : Verdict.Refused;
            }
            return _local.AttemptAcquire(permitCount);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _local.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>The answer of a window counted in Redis: nothing to give back when the lease ends.</summary>
    private sealed class Verdict(bool acquired) : RateLimitLease
    {
        public static readonly Verdict Granted = new(true);
        public static readonly Verdict Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
