using Microsoft.AspNetCore.Identity;

namespace Byline.Storage;

/// <summary>The three newsroom roles. Names are stored in the Identity role table.</summary>
public static class Roles
{
    public const string Contributor = "Contributor";
    public const string Editor = "Editor";
    public const string Admin = "Admin";

    public static readonly string[] All = [Contributor, Editor, Admin];

    /// <summary>Editors and admins may publish, schedule and curate.</summary>
    public const string EditorOrAdmin = Editor + "," + Admin;
}

/// <summary>A newsroom account. Readers never have accounts.</summary>
public sealed class BylineUser : IdentityUser<int>
{
    public string DisplayName { get; set; } = "";
    /// <summary>The reader-facing author profile this account writes as, if any.</summary>
    public int? AuthorId { get; set; }
    public bool IsDisabled { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class BylineRole : IdentityRole<int>
{
    public BylineRole()
    {
    }

    public BylineRole(string name) : base(name)
    {
    }
}

/// <summary>
/// One saved state of a story. Every save appends one; restoring appends a copy of an old one, so
/// nothing is ever overwritten. <see cref="Snapshot"/> is the JSON of every editable field.
/// </summary>
public sealed class ArticleRevision
{
    public long Id { get; set; }
    public int ArticleId { get; set; }
    public int Number { get; set; }
    public DateTime CreatedAt { get; set; }
    public int? UserId { get; set; }
    public string UserName { get; set; } = "";
    /// <summary>What happened with this save: "save", "autosave", "submit", "publish", "restore of 3"…</summary>
    public string Action { get; set; } = "save";
    public required string Headline { get; set; }
    public required string Snapshot { get; set; }
}

/// <summary>Who did what and when: sign-ins, saves, status changes, deletions, settings.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public int? UserId { get; set; }
    public string UserName { get; set; } = "";
    public required string Action { get; set; }
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    public string Details { get; set; } = "";
    public string IpAddress { get; set; } = "";
}
