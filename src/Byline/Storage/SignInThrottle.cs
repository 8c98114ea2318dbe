namespace Byline.Storage;

/// <summary>
/// Failed sign-ins of one account name from one source. Keyed by the normalised e-mail that was
/// typed, known or not, so an unknown address costs the same work as a known one and a guess at an
/// account from one address never locks out its owner signing in from another.
/// </summary>
public sealed class SignInThrottle
{
    public const int MaxAccountLength = 256;

    public long Id { get; set; }
    public string Account { get; set; } = "";
    public string Source { get; set; } = "";
    public int Failures { get; set; }
    public DateTime LastFailureAt { get; set; }
    public DateTime? LockedUntil { get; set; }
}
