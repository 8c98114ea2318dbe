using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Api.Keys;

/// <summary>Who is calling: no key, a content key, an admin key bound to an account, or a personal token (<see cref="UserId"/> acts).</summary>
public sealed record ApiCaller(int? KeyId, ApiKeyScope? Scope, int? RequestsPerMinute, int? UserId = null)
{
    public static readonly ApiCaller Anonymous = new(null, null, null);

    public bool IsKeyed => KeyId is not null;

    public bool IsAdmin => Scope == ApiKeyScope.Admin;

    /// <summary>A personal token: the admin API acts as its account (the content API treats it as a content key).</summary>
    public bool IsPersonal => Scope is ApiKeyScope.TokenRead or ApiKeyScope.TokenWrite;

    public bool CanWrite => Scope == ApiKeyScope.TokenWrite;
}

/// <summary>The outcome of reading a key from a request.</summary>
public enum KeyCheck
{
    Valid,
    Unknown,
    Revoked,
    /// <summary>A personal token past its expiry.</summary>
    Expired,
    /// <summary>An admin key whose account is gone, disabled or no longer an editor or admin.</summary>
    AccountNotAllowed,
}

/// <summary>A key just made: the secret is in <see cref="Secret"/> and nowhere else, ever.</summary>
public sealed record CreatedKey(ApiKey Key, string Secret);

/// <summary>
/// Makes, lists, revokes and resolves API keys. A resolved key is held for
/// <see cref="ApiOptions.KeyCacheLifetime"/> so an API read costs no key lookup; a revoke on this node
/// drops it at once, other nodes follow within that lifetime.
/// </summary>
public sealed class ApiKeys(IServiceScopeFactory scopes, IOptions<ApiOptions> options, TimeProvider clock, ILogger<ApiKeys> log)
{
    public const string SecretPrefix = "byl_";
    private const int DisplayPrefix = 10;
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Resolved> _resolved = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, DateTime> _touched = new();

    private sealed record Resolved(KeyCheck Check, ApiCaller Caller, DateTime Until);

    public static string HashOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    public async Task<CreatedKey> CreateAsync(BylineDb db, string name, ApiKeyScope scope, int? userId, int? requestsPerMinute, string createdBy, CancellationToken ct,
        DateTime? expiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Name = name,
            Scope = scope,
            Prefix = secret[..DisplayPrefix],
            Hash = HashOf(secret),
            UserId = scope == ApiKeyScope.Content ? null : userId,
            RequestsPerMinute = requestsPerMinute,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return new CreatedKey(key, secret);
    }

    /// <param name="ownerId">For a personal token: the account revoking it, which must be the one it belongs to.</param>
    public async Task<ApiKey?> RevokeAsync(BylineDb db, int id, CancellationToken ct, int? ownerId = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var key = await db.ApiKeys.AsTracking().FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.RevokedAt is not null || (ownerId is not null && (!key.IsPersonal || key.UserId != ownerId)))
        {
            return null;
        }
        key.RevokedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        _resolved.TryRemove(key.Hash, out _);
        return key;
    }

    /// <summary>Reads the key of a request, from <c>Authorization: Bearer</c> or <c>X-Api-Key</c>; null when there is none.</summary>
    public static string? SecretOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }
        var key = request.Headers["X-Api-Key"].ToString();
        return key.Length > 0 ? key.Trim() : null;
    }

    public async Task<(KeyCheck Check, ApiCaller Caller)> ResolveAsync(string secret, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        // Not one of ours by its shape: no hash, no lookup.
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length is < 20 or > 100)
        {
            return (KeyCheck.Unknown, ApiCaller.Anonymous);
        }
        var hash = HashOf(secret);
        if (_resolved.TryGetValue(hash, out var held) && held.Until > now)
        {
            await TouchAsync(held.Caller, now, ct);
            return (held.Check, held.Caller);
        }
        var resolved = await LookUpAsync(hash, now, ct);
        if (_resolved.Count > 10_000)
        {
            // Guessed keys never fill memory: they are only ever a bounded, short-lived cache.
            _resolved.Clear();
        }
        _resolved[hash] = resolved;
        await TouchAsync(resolved.Caller, now, ct);
        return (resolved.Check, resolved.Caller);
    }

    private async Task<Resolved> LookUpAsync(string hash, DateTime now, CancellationToken ct)
    {
        var until = now + options.Value.KeyCacheLifetime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash, ct);
        if (key is null)
        {
            return new Resolved(KeyCheck.Unknown, ApiCaller.Anonymous, until);
        }
        if (key.RevokedAt is not null)
        {
            return new Resolved(KeyCheck.Revoked, ApiCaller.Anonymous, until);
        }
        if (key.ExpiresAt is DateTime expires)
        {
            if (expires <= now)
            {
                return new Resolved(KeyCheck.Expired, ApiCaller.Anonymous, until);
            }
            // Held no longer than the token lives, so it is refused from the moment it expires.
            until = expires < until ? expires : until;
        }
        var caller = new ApiCaller(key.Id, key.Scope, key.RequestsPerMinute, key.UserId);
        var allowed = key.Scope switch
        {
            ApiKeyScope.Admin => await AccountAllowsAsync(db, key.UserId, [Roles.Editor, Roles.Admin], ct),
            ApiKeyScope.TokenRead or ApiKeyScope.TokenWrite => await AccountAllowsAsync(db, key.UserId, Roles.All, ct),
            _ => true,
        };
        return allowed ? new Resolved(KeyCheck.Valid, caller, until) : new Resolved(KeyCheck.AccountNotAllowed, ApiCaller.Anonymous, until);
    }

    /// <summary>An admin key or a personal token reads what its account may read in the newsroom: it dies with the account's rights.</summary>
    private static async Task<bool> AccountAllowsAsync(BylineDb db, int? userId, string[] roles, CancellationToken ct)
    {
        if (userId is not int id || !await db.Users.AnyAsync(u => u.Id == id && !u.IsDisabled, ct))
        {
            return false;
        }
        return await (from ur in db.UserRoles
                      join r in db.Roles on ur.RoleId equals r.Id
                      where ur.UserId == id && roles.Contains(r.Name!)
                      select ur).AnyAsync(ct);
    }

    /// <summary>Last used, to the minute: one small write per key per minute, not one per request.</summary>
    private async Task TouchAsync(ApiCaller caller, DateTime now, CancellationToken ct)
    {
        if (caller.KeyId is not int id || (_touched.TryGetValue(id, out var last) && now - last < TouchEvery))
        {
            return;
        }
        _touched[id] = now;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now), ct);
        }
        catch (DbException e)
        {
            // A read must not fail because its bookkeeping could not be written (a read-only replica, a busy database).
            log.LogWarning(e, "Could not record the use of API key {KeyId}", id);
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
