using System.Globalization;

namespace Byline.Hosting;

/// <summary>
/// A clock stopped at one instant, asked for with <c>Byline:Clock:FixedUtc</c> (an ISO 8601 instant) so that a
/// site with demo content renders the same dates on every start: the visual-regression screenshots
/// (docs/visual-regression.md) depend on it. Only "now" is stopped: timestamps, elapsed times and timers keep the
/// system's, so waits, budgets and background loops still run. Not for a real publication: nothing scheduled ever
/// comes due.
/// </summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public const string Setting = "Byline:Clock:FixedUtc";

    public override DateTimeOffset GetUtcNow() => now;

    /// <summary>The clock the setting asks for, or null when it is absent; a value that is not an instant stops the start.</summary>
    public static FixedClock? FromConfiguration(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var value = config[Setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new InvalidOperationException($"{Setting} must be an ISO 8601 instant such as 2026-06-15T10:00:00Z, not '{value}'.");
        }
        return new FixedClock(at);
    }
}
