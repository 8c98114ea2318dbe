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
/// Any newsroom account: its own personal API tokens for the admin API — make one (read or write, with
/// an expiry; the secret is shown on this one response and stored only as a hash, the same machinery
/// as the admin's API keys), see when each was last used, revoke one. A token acts as this account with
/// its role. Making and revoking are in the audit trail.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class ApiTokensPageModel(ApiKeys keys, BylineDb db, AuditLog audit, TimeProvider clock) : NewsroomPageModel
{
    public const string AuditCreated = "api-token.created";
    public const string AuditRevoked = "api-token.revoked";

    /// <summary>The expiries offered, in days; 0 is never.</summary>
    public static readonly int[] ExpiryChoices = [7, 30, 90, 365, 0];

    public IReadOnlyList<ApiKey> Tokens { get; private set; } = [];

    public DateTime Now { get; private set; }

    [BindProperty]
    [Required(ErrorMessage = "Give the token a name, such as the script or app that will use it.")]
    [StringLength(100, ErrorMessage = "The name is at most 100 characters.")]
    public string Name { get; set; } = "";

    [BindProperty]
    public ApiKeyScope Scope { get; set; } = ApiKeyScope.TokenWrite;

    [BindProperty]
    public int ExpiresInDays { get; set; } = 90;

    public string? NewSecret { get; private set; }

    public string? NewSecretFor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (Scope is not (ApiKeyScope.TokenRead or ApiKeyScope.TokenWrite))
        {
            ModelState.AddModelError(nameof(Scope), "Choose read or write.");
        }
        if (!ExpiryChoices.Contains(ExpiresInDays))
        {
            ModelState.AddModelError(nameof(ExpiresInDays), "Choose one of the expiries offered.");
        }
        if (User.UserId() is not int userId)
        {
            return Forbid();
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        DateTime? expires = ExpiresInDays == 0 ? null : clock.GetUtcNow().UtcDateTime.AddDays(ExpiresInDays);
        var created = await keys.CreateAsync(db, Name.Trim(), Scope, userId, null, User.Identity?.Name ?? "", ct, expires);
        audit.Record(db, User, AuditCreated, "api-key", Id(created.Key.Id),
            $"{created.Key.Name} ({created.Key.Prefix}…, {ScopeName(created.Key.Scope)}, expires {When(expires)})", ClientIp);
        await db.SaveChangesAsync(ct);
        NewSecret = created.Secret;
        NewSecretFor = created.Key.Name;
        Name = "";
        Scope = ApiKeyScope.TokenWrite;
        ExpiresInDays = 90;
        ModelState.Clear();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(int id, CancellationToken ct)
    {
        if (User.UserId() is not int userId)
        {
            return Forbid();
        }
        // Only one's own tokens: anyone else's id is as good as unknown.
        var revoked = await keys.RevokeAsync(db, id, ct, ownerId: userId);
        if (revoked is null)
        {
            return NotFound();
        }
        audit.Record(db, User, AuditRevoked, "api-key", Id(id), $"{revoked.Name} ({revoked.Prefix}…)", ClientIp);
        await db.SaveChangesAsync(ct);
        Flash = $"Revoked: {revoked.Name}. Requests with it are refused from now on.";
        return RedirectToPage();
    }

    public static string ScopeName(ApiKeyScope scope) => scope == ApiKeyScope.TokenWrite ? "write" : "read";

    public static string When(DateTime? at) => ApiKeysPageModel.When(at);

    public string State(ApiKey token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.RevokedAt is not null ? "revoked " + When(token.RevokedAt)
            : token.ExpiresAt <= Now ? "expired"
            : "active";
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "API tokens";
        Area = "api-tokens";
        Now = clock.GetUtcNow().UtcDateTime;
        var me = User.UserId() ?? -1;
        Tokens = await db.ApiKeys.AsNoTracking()
            .Where(k => k.UserId == me && (k.Scope == ApiKeyScope.TokenRead || k.Scope == ApiKeyScope.TokenWrite))
            .OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).ToListAsync(ct);
    }
}
