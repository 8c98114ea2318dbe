using System.Globalization;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsletters.Newsroom;

/// <summary>Suppressed addresses (hard bounces, complaints, repeated soft bounces): searched by address, reason and date; an admin may lift one (audited).</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class SuppressionsPageModel(NewsletterAdmin admin) : NewsroomPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Address { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Until { get; set; }

    public IReadOnlyList<SuppressionRow> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Title = "Suppressed addresses";
        Area = "newsletters";
        var from = ReadDate(From, nameof(From));
        var until = ReadDate(Until, nameof(Until));
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Rows = await admin.SuppressionsAsync(Address, Reason, from, until?.AddDays(1), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostLiftAsync(int subscriberId, CancellationToken ct)
    {
        Flash = await admin.LiftAsync(subscriberId, User, ClientIp, ct)
            ? "The suppression is lifted: newsletters may go to this address again."
            : "That address is not suppressed (any more).";
        return RedirectToPage(new { Address, Reason, From, Until });
    }

    private DateTime? ReadDate(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }
        ModelState.AddModelError(field, "Give a date as YYYY-MM-DD.");
        return null;
    }
}
