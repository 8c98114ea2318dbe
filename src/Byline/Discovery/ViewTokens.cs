using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Byline.Content;
using Byline.Hosting;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

/// <summary>What a beacon's body turned out to be.</summary>
public enum ViewTokenCheck
{
    /// <summary>Not a token this site made (forged, mangled, another story's, or a bare id).</summary>
    Invalid,

    /// <summary>A genuine token from a page served too long ago: answered, not counted.</summary>
    Expired,

    Valid,
}

/// <summary>
/// Ties a view beacon to a page the site served: the page carries <c>{id}.{hour}.{mac}</c>, an HMAC of
/// the story and the hour it was rendered, and the beacon sends it back. A cached page keeps working —
/// the token is per story and hour, not per reader — and checking one is a single HMAC over a few bytes
/// (about a microsecond), with no allocation. Someone wanting to inflate a story still has to fetch its
/// page now and then; <see cref="ViewGuard"/> bounds what one client can do with a token.
/// <para>
/// The key is one random secret kept in the <c>Settings</c> table (created at boot by
/// <see cref="ViewTokenBoot"/>), so every node and every restart accept the same tokens.
/// </para>
/// </summary>
public sealed class ViewTokens(TimeProvider clock, DiscoveryOptions options)
{
    public const string SettingsKey = "view-tokens";

    /// <summary>Bytes of the MAC kept (96 bits: 16 base64url characters).</summary>
    private const int MacBytes = 12;

    /// <summary>Longest body: int id, '.', hour (up to 10 digits), '.', the MAC.</summary>
    public const int MaxLength = 10 + 1 + 10 + 1 + 16;

    private byte[]? _key;

    public bool IsReady => Volatile.Read(ref _key) is not null;

    internal void UseKey(byte[] key) => Volatile.Write(ref _key, key);

    private long CurrentHour() => clock.GetUtcNow().ToUnixTimeSeconds() / 3600;

    /// <summary>The token a page showing story <paramref name="articleId"/> carries now; empty before boot has loaded the key.</summary>
    public string For(int articleId)
    {
        var key = Volatile.Read(ref _key);
        if (key is null)
        {
            return "";
        }
        var hour = CurrentHour();
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(key, articleId, hour, mac);
        return string.Create(CultureInfo.InvariantCulture, $"{articleId}.{hour}.{Base64Url.EncodeToString(mac)}");
    }

    /// <summary>Checks a beacon body (ASCII, already trimmed); <paramref name="articleId"/> is the story when it is not <see cref="ViewTokenCheck.Invalid"/>.</summary>
    public ViewTokenCheck Check(ReadOnlySpan<byte> body, out int articleId)
    {
        articleId = 0;
        var key = Volatile.Read(ref _key);
        if (key is null || body.Length > MaxLength)
        {
            return ViewTokenCheck.Invalid;
        }
        var first = body.IndexOf((byte)'.');
        if (first <= 0)
        {
            return ViewTokenCheck.Invalid;
        }
        var rest = body[(first + 1)..];
        var second = rest.IndexOf((byte)'.');
        if (second <= 0
            || !int.TryParse(body[..first], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0
            || !long.TryParse(rest[..second], NumberStyles.None, CultureInfo.InvariantCulture, out var hour))
        {
            return ViewTokenCheck.Invalid;
        }
        Span<byte> given = stackalloc byte[MacBytes];
        if (Base64Url.DecodeFromUtf8(rest[(second + 1)..], given, out _, out var written) != System.Buffers.OperationStatus.Done || written != MacBytes)
        {
            return ViewTokenCheck.Invalid;
        }
        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(key, id, hour, expected);
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
        {
            return ViewTokenCheck.Invalid;
        }
        articleId = id;
        var age = CurrentHour() - hour;
        // A page from the future is a clock difference between nodes, not a forgery: within an hour it counts.
        return age >= -1 && age <= Math.Max(1, options.ViewTokenHours) ? ViewTokenCheck.Valid : ViewTokenCheck.Expired;
    }

    private static void Mac(byte[] key, int articleId, long hour, Span<byte> destination)
    {
        Span<byte> message = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message, articleId);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(message[4..], hour);
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, message, full);
        full[..MacBytes].CopyTo(destination);
    }
}

/// <summary>Loads the view-token secret at boot, creating it on the first start (any node may win the race; all read the winner's).</summary>
internal sealed class ViewTokenBoot(ViewTokens tokens, TimeProvider clock) : IBootStep
{
    private sealed record Secret(string Key);

    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<BylineDb>();
        var stored = await db.Settings.AsNoTracking().Where(s => s.Key == ViewTokens.SettingsKey).Select(s => s.Json).FirstOrDefaultAsync(ct);
        if (stored is null)
        {
            var json = JsonSerializer.Serialize(new Secret(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            db.Settings.Add(new SettingDocument { Key = ViewTokens.SettingsKey, Json = json, UpdatedAt = clock.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another node stored its secret first; use that one.
                db.ChangeTracker.Clear();
            }
            stored = await db.Settings.AsNoTracking().Where(s => s.Key == ViewTokens.SettingsKey).Select(s => s.Json).FirstAsync(ct);
        }
        var secret = JsonSerializer.Deserialize<Secret>(stored) ?? throw new InvalidOperationException("The view-token secret in Settings is empty.");
        tokens.UseKey(Convert.FromBase64String(secret.Key));
    }
}
