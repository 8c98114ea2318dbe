using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Byline.Newsroom;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Api.Keys;

/// <summary>
/// Admin: the API keys — make one (its secret is shown on this one response and stored only as a
/// hash), see when each was last used, revoke one. Every change is in the audit trail.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class ApiKeysPageModel(ApiKeys keys, BylineDb db, AuditLog audit) : NewsroomPageModel
{
    public const string AuditCreated = "api-key.created";
    public const string AuditRevoked = "api-key.revoked";

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    [BindProperty]
    [Required(ErrorMessage = "Give the key a name, such as the app or partner that will use it.")]
    [StringLength(100, ErrorMessage = "The name is at most 100 characters.")]
    public string Name { get; set; } = "";

    [BindProperty]
    public ApiKeyScope Scope { get; set; } = ApiKeyScope.Content;

    [BindProperty]
    [Range(1, 100_000, ErrorMessage = "Requests per minute is a whole number from 1 to 100,000, or empty for the default.")]
    public int? RequestsPerMinute { get; set; }

    /// <summary>The secret of a key just made: on this response only.</summary>
    public string? NewSecret { get; private set; }

    public string? NewSecretFor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        // Personal tokens are made by their own account on the tokens page, never here.
        if (Scope is not (ApiKeyScope.Content or ApiKeyScope.Admin))
        {
            ModelState.AddModelError(nameof(Scope), "Choose content or admin.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        var created = await keys.CreateAsync(db, Name.Trim(), Scope, User.UserId(), RequestsPerMinute, User.Identity?.Name ?? "", ct);
        audit.Record(db, User, AuditCreated, "api-key", Id(created.Key.Id), $"{created.Key.Name} ({created.Key.Prefix}…, {ScopeName(created.Key.Scope)})", ClientIp);
        await db.SaveChangesAsync(ct);
        NewSecret = created.Secret;
        NewSecretFor = created.Key.Name;
        Name = "";
        RequestsPerMinute = null;
        Scope = ApiKeyScope.Content;
        ModelState.Clear();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(int id, CancellationToken ct)
    {
        var revoked = await keys.RevokeAsync(db, id, ct);
        if (revoked is null)
        {
            return NotFound();
        }
        audit.Record(db, User, AuditRevoked, "api-key", Id(id), $"{revoked.Name} ({revoked.Prefix}…)", ClientIp);
        await db.SaveChangesAsync(ct);
        Flash = $"Revoked: {revoked.Name}. Requests with it are refused from now on.";
        return RedirectToPage();
    }

    public static string ScopeName(ApiKeyScope scope) => scope == ApiKeyScope.Admin ? "admin" : "content";

    public static string When(DateTime? at) =>
        at is DateTime t ? t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never";

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "API keys";
        Area = "api-keys";
        Keys = await db.ApiKeys.AsNoTracking().Where(k => k.Scope == ApiKeyScope.Content || k.Scope == ApiKeyScope.Admin).OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).ToListAsync(ct);
    }
}
