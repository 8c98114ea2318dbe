using System.Text.Json;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsletters.Newsroom;

/// <summary>One reader's data on request (privacy): found by exact address, exported as JSON, or erased — both audited, the erasure without the address.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class ReaderPageModel(NewsletterAdmin admin) : NewsroomPageModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    public ReaderData? Reader { get; private set; }

    public bool Searched { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Load();
        if (!string.IsNullOrWhiteSpace(Email))
        {
            Searched = true;
            Reader = await admin.ReaderAsync(Email, ct);
        }
    }

    /// <summary>A POST (with the antiforgery token), so the address never sits in a URL or a log line.</summary>
    public async Task<IActionResult> OnPostFindAsync(CancellationToken ct)
    {
        Load();
        Searched = true;
        Reader = await admin.ReaderAsync(Email, ct);
        if (Reader is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(int id, CancellationToken ct)
    {
        var reader = await admin.ReaderAsync(id, ct);
        if (reader is null)
        {
            return NotFound();
        }
        admin.RecordExport(id, User, ClientIp);
        await admin.SaveAsync(ct);
        Response.Headers.CacheControl = "no-store";
        return File(JsonSerializer.SerializeToUtf8Bytes(reader, Json), "application/json", $"newsletter-reader-{id}.json");
    }

    public async Task<IActionResult> OnPostEraseAsync(int id, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            Load();
            Searched = true;
            Reader = await admin.ReaderAsync(id, ct);
            if (Reader is null)
            {
                return NotFound();
            }
            ModelState.AddModelError("confirm", "Tick the box to confirm: the reader's data cannot be brought back.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Flash = await admin.EraseAsync(id, User, ClientIp, ct)
            ? "The reader's data is erased: their address, subscriptions, consent records, bounces and send records."
            : "Nothing to erase: that reader is not there (any more).";
        return RedirectToPage();
    }

    private void Load()
    {
        Title = "One reader's data";
        Area = "newsletters";
    }
}
