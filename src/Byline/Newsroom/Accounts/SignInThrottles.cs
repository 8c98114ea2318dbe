using System.Net;
using System.Net.Sockets;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Accounts;

/// <summary>
/// Lockout per account and source with backoff: the first <see cref="FreeFailures"/> failures cost
/// nothing, then each further failure locks that pair for twice as long as the last (1 minute, 2, 4…
/// up to an hour). A quiet day forgets the failures; a successful sign-in or <c>user unlock</c> clears them.
/// The per-address rate limit on the sign-in form bounds guesses across many accounts.
/// </summary>
public sealed class SignInThrottles(BylineDb db, TimeProvider clock)
{
    public const int FreeFailures = 4;
    public static readonly TimeSpan FirstLock = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestLock = TimeSpan.FromHours(1);
    public static readonly TimeSpan Memory = TimeSpan.FromDays(1);

    /// <summary>The lock that follows the n-th consecutive failure (null: none yet).</summary>
    public static TimeSpan? LockAfter(int failures) => failures <= FreeFailures
        ? null
        : TimeSpan.FromTicks(Math.Min(LongestLock.Ticks, FirstLock.Ticks << Math.Min(failures - FreeFailures - 1, 20)));

    /// <summary>
    /// The source a failure is counted against: the client address, IPv6 cut to its /64 (one
    /// household or host holds a whole /64, so counting single addresses would invite rotation).
    /// </summary>
    public static string SourceOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static string AccountOf(string normalizedEmail)
    {
        ArgumentNullException.ThrowIfNull(normalizedEmail);
        return normalizedEmail.Length > SignInThrottle.MaxAccountLength ? normalizedEmail[..SignInThrottle.MaxAccountLength] : normalizedEmail;
    }

    /// <summary>Until when this account is locked for this source, or null.</summary>
    public async Task<DateTime?> LockedUntilAsync(string account, string source, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = await db.Set<SignInThrottle>().AsNoTracking()
            .Where(t => t.Account == account && t.Source == source)
            .Select(t => t.LockedUntil)
            .FirstOrDefaultAsync(ct);
        return until > now ? until : null;
    }

    /// <summary>Counts one failure (an atomic upsert, so concurrent failures all count) and forgets day-old ones.</summary>
    public async Task RecordFailureAsync(string account, string source, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var forgetBefore = now - Memory;
        await db.Set<SignInThrottle>().Where(t => t.LastFailureAt < forgetBefore && (t.LockedUntil == null || t.LockedUntil < now))
            .ExecuteDeleteAsync(ct);
        var failures = 1 + await db.Set<SignInThrottle>().AsNoTracking()
            .Where(t => t.Account == account && t.Source == source)
            .Select(t => t.Failures)
            .FirstOrDefaultAsync(ct);
        DateTime? lockedUntil = LockAfter(failures) is { } span ? now + span : null;
        // The same statement on SQLite and PostgreSQL (both have ON CONFLICT … DO UPDATE).
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SignInThrottles" ("Account", "Source", "Failures", "LastFailureAt", "LockedUntil")
            VALUES ({account}, {source}, 1, {now}, {lockedUntil})
            ON CONFLICT ("Account", "Source") DO UPDATE SET
                "Failures" = "SignInThrottles"."Failures" + 1,
                "LastFailureAt" = excluded."LastFailureAt",
                "LockedUntil" = {lockedUntil}
            """, ct);
    }

    /// <summary>A successful sign-in from this source forgets its failures.</summary>
    public Task ClearAsync(string account, string source, CancellationToken ct) =>
        db.Set<SignInThrottle>().Where(t => t.Account == account && t.Source == source).ExecuteDeleteAsync(ct);

    /// <summary><c>user unlock</c>: forgets the account's failures from every source; the number of sources that were locked.</summary>
    public async Task<int> UnlockAsync(string account, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var locked = await db.Set<SignInThrottle>().CountAsync(t => t.Account == account && t.LockedUntil > now, ct);
        await db.Set<SignInThrottle>().Where(t => t.Account == account).ExecuteDeleteAsync(ct);
        return locked;
    }

    /// <summary>The accounts locked from at least one source now (for <c>user list</c>).</summary>
    public async Task<HashSet<string>> LockedAccountsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return [.. await db.Set<SignInThrottle>().Where(t => t.LockedUntil > now).Select(t => t.Account).Distinct().ToListAsync(ct)];
    }
}
