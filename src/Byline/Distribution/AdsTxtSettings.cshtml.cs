using Byline.Content;
using Byline.Newsroom;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Distribution;

/// <summary>The newsroom's ads.txt editor: admins only, validated line by line before anything is saved.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class AdsTxtSettingsModel(SiteSettingsStore store, BylineDb db, ContentEvents events, AuditLog audit, TimeProvider clock) : PageModel
{
    [BindProperty]
    public string AdsTxt { get; set; } = "";

    public IReadOnlyList<AdsTxtError> Errors { get; private set; } = [];

    public bool Saved { get; private set; }

    public void OnGet()
    {
        AdsTxt = store.Current.AdsTxt;
        Saved = Request.Query.ContainsKey("saved");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var text = (AdsTxt ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
        Errors = AdsTxt is { Length: > 0 } ? Distribution.AdsTxt.Validate(text) : [];
        if (Errors.Count > 0)
        {
            // Keep what the editor typed so the errors can be fixed in place; nothing is saved.
            foreach (var e in Errors)
            {
                ModelState.AddModelError(nameof(AdsTxt), e.Line > 0 ? $"Line {e.Line}: {e.Message}" : e.Message);
            }
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var settings = store.Current with { AdsTxt = text.Length == 0 ? "" : text + "\n" };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await SiteSettingsStore.WriteAsync(db, settings, clock, ct);
            audit.Record(db, User, "settings.ads-txt", "Settings", SiteSettingsStore.Key,
                $"{text.Split('\n').Length} lines", HttpContext.Connection.RemoteIpAddress?.ToString() ?? "");
            await db.SaveChangesAsync(ct);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Settings], "ads.txt saved"), ct);
            await tx.CommitAsync(ct);
        }
        store.Apply(settings);
        await events.CommittedAsync(db, ct);
        return RedirectToPage(null, null, new { saved = 1 });
    }
}
