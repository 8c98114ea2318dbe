using System.Security.Claims;

namespace Byline.Storage;

/// <summary>Writes the audit trail. Callers pass their own DbContext so the entry commits with the change it records.</summary>
public sealed class AuditLog(TimeProvider clock)
{
    public void Record(BylineDb db, ClaimsPrincipal? user, string action, string entityType = "", string entityId = "", string details = "", string ip = "")
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(db);
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            UserId = int.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null,
            UserName = user?.Identity?.Name ?? "",
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Details = details.Length > 2000 ? details[..2000] : details,
            IpAddress = ip,
        });
    }
}

/// <summary>Authorization policy names for the newsroom; every newsroom route carries one.</summary>
public static class Policies
{
    /// <summary>Any signed-in, enabled newsroom account.</summary>
    public const string Newsroom = "newsroom";
    /// <summary>Editors and admins: publish, schedule, unpublish, curate.</summary>
    public const string Editor = "editor";
    /// <summary>Admins: users, roles, site settings, audit trail.</summary>
    public const string Admin = "admin";
}
