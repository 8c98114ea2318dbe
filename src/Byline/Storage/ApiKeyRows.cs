using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>What a key may read (docs/api.md "Keys").</summary>
public enum ApiKeyScope
{
    /// <summary>Published content, as readers see it, with the keyed clients' larger pages and limits.</summary>
    Content = 0,
    /// <summary>Bound to a newsroom account: also stories in every status, while that account is an enabled editor or admin.</summary>
    Admin = 1,
    /// <summary>
    /// A personal token (docs/api.md "Admin API"): made by any newsroom account for itself, acts as that
    /// account with its role, reads the stories the account may see through the admin API.
    /// </summary>
    TokenRead = 2,
    /// <summary>A personal token that may also write: create, edit and move stories, upload media.</summary>
    TokenWrite = 3,
}

/// <summary>
/// One API key. Only the SHA-256 of the secret is kept: the secret itself is shown once, when the key
/// is made, and a leaked table gives nobody a working key. The secret is 32 random bytes, so a plain
/// hash (no salt, no stretching) is enough: there is nothing to guess.
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public ApiKeyScope Scope { get; set; }
    /// <summary>The first characters of the secret ("byl_Ab3x9"), so people can tell keys apart in the list and in logs.</summary>
    public required string Prefix { get; set; }
    /// <summary>Lower-case hex SHA-256 of the whole secret.</summary>
    public required string Hash { get; set; }
    /// <summary>The account an admin key or a personal token acts for; null for a content key.</summary>
    public int? UserId { get; set; }
    /// <summary>This key's own limit; null takes <c>Byline:Api:KeyRequestsPerMinute</c>.</summary>
    public int? RequestsPerMinute { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    /// <summary>Written at most once a minute per key (a read API must not write on every request).</summary>
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>When a personal token stops working (refused with <c>401 expired_token</c>); null: never.</summary>
    public DateTime? ExpiresAt { get; set; }

    public bool IsPersonal => Scope is ApiKeyScope.TokenRead or ApiKeyScope.TokenWrite;
}

internal static class ApiKeyModel
{
    public static void Configure(ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<ApiKey>(e =>
        {
            e.ToTable("ApiKeys");
            e.Ignore(k => k.IsPersonal);
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.Prefix).HasMaxLength(16);
            e.Property(k => k.Hash).HasMaxLength(64);
            e.Property(k => k.CreatedBy).HasMaxLength(256);
            e.HasIndex(k => k.Hash).IsUnique();
            e.HasOne<BylineUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
