using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Curation;

/// <summary>
/// The breaking-news banner: one line (and where it leads) across the top of every reader page until an
/// editor takes it down. Saving it is a settings change, so every cached page is evicted on every node.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class BreakingPageModel(SiteEdits edits, TimeProvider clock) : NewsroomPageModel
{
    public const int MaxText = 160;

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty(Name = "Url")]
    public string? Link { get; set; }

    /// <summary>The banner readers see now; null when none is up.</summary>
    public BreakingNews? Current { get; private set; }

    public void OnGet()
    {
        Describe();
        Text = Current?.Text;
        Link = Current?.Url;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Describe();
        var text = (Text ?? "").Trim();
        var url = (Link ?? "").Trim();
        if (text.Length == 0)
        {
            ModelState.AddModelError(nameof(Text), "Write the line readers will see, or take the banner down.");
        }
        else if (text.Length > MaxText)
        {
            ModelState.AddModelError(nameof(Text), $"Keep it to {MaxText} characters ({text.Length} now): readers take it in at a glance.");
        }
        else if (text.Any(char.IsControl))
        {
            ModelState.AddModelError(nameof(Text), "One line only, without line breaks or control characters.");
        }
        if (url.Length > 0 && !SiteLinks.IsAllowedUrl(url))
        {
            ModelState.AddModelError("Url", "A link starts with https://, http:// or / (a page of this site).");
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var changed = edits.Current with { Breaking = new BreakingNews(text, url, clock.GetUtcNow().UtcDateTime) };
        await edits.SaveAsync(changed, User, "breaking", ClientIp, ct);
        Flash = "The banner is up on every page.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct)
    {
        Describe();
        if (Current is not null)
        {
            await edits.SaveAsync(edits.Current with { Breaking = null }, User, "breaking", ClientIp, ct);
        }
        Flash = "The banner is down.";
        return RedirectToPage();
    }

    private void Describe()
    {
        Title = "Breaking news";
        Area = "curation-breaking";
        Current = edits.Current.Breaking;
    }
}
