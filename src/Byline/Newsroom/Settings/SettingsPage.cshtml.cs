using Byline.Newsroom.Curation;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Settings;

/// <summary>Admin: the publication's name, tagline, time zone and the article insertion rule.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class SettingsPageModel(SiteEdits edits) : NewsroomPageModel
{
    [BindProperty] public string PublicationName { get; set; } = "";
    [BindProperty] public string Tagline { get; set; } = "";
    [BindProperty] public string TimeZone { get; set; } = "";
    [BindProperty] public int AdEveryParagraphs { get; set; }
    [BindProperty] public int MaxAds { get; set; }
    [BindProperty] public string AdLabel { get; set; } = "";
    [BindProperty] public int MoreFromAfterParagraph { get; set; }
    [BindProperty] public int ShortNewsAfterParagraph { get; set; }

    public void OnGet()
    {
        Describe();
        var s = edits.Current;
        PublicationName = s.PublicationName;
        Tagline = s.Tagline;
        TimeZone = s.TimeZone;
        AdEveryParagraphs = s.Insertion.AdEveryParagraphs;
        MaxAds = s.Insertion.MaxAds;
        AdLabel = s.Insertion.AdLabel;
        MoreFromAfterParagraph = s.Insertion.MoreFromAfterParagraph;
        ShortNewsAfterParagraph = s.Insertion.ShortNewsAfterParagraph;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Describe();
        PublicationName = (PublicationName ?? "").Trim();
        Tagline = (Tagline ?? "").Trim();
        TimeZone = (TimeZone ?? "").Trim();
        AdLabel = (AdLabel ?? "").Trim();
        if (PublicationName.Length is 0 or > 100)
        {
            ModelState.AddModelError(nameof(PublicationName), "Give a name of 1 to 100 characters.");
        }
        if (Tagline.Length > 200)
        {
            ModelState.AddModelError(nameof(Tagline), "Keep the tagline under 200 characters.");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            ModelState.AddModelError(nameof(TimeZone), "Use a time zone name such as Asia/Kolkata or Europe/London.");
        }
        Range(nameof(AdEveryParagraphs), AdEveryParagraphs, 0, 50, "0 turns ads off");
        Range(nameof(MaxAds), MaxAds, 0, 20, null);
        Range(nameof(MoreFromAfterParagraph), MoreFromAfterParagraph, 0, 100, "0 turns the box off");
        Range(nameof(ShortNewsAfterParagraph), ShortNewsAfterParagraph, 0, 100, "0 turns the box off");
        if (AdLabel.Length is 0 or > 100)
        {
            ModelState.AddModelError(nameof(AdLabel), "Give a label of 1 to 100 characters.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var s = edits.Current;
        var changed = s with
        {
            PublicationName = PublicationName,
            Tagline = Tagline,
            TimeZone = TimeZone,
            Insertion = s.Insertion with
            {
                AdEveryParagraphs = AdEveryParagraphs,
                MaxAds = MaxAds,
                AdLabel = AdLabel,
                MoreFromAfterParagraph = MoreFromAfterParagraph,
                ShortNewsAfterParagraph = ShortNewsAfterParagraph,
            },
        };
        await edits.SaveAsync(changed, User, "site", ClientIp, ct);
        Flash = "Settings saved.";
        return RedirectToPage();
    }

    private void Range(string field, int value, int min, int max, string? note)
    {
        if (ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0)
        {
            return;
        }
        if (value < min || value > max)
        {
            ModelState.AddModelError(field, $"Use a whole number from {min} to {max}{(note is null ? "" : $" ({note})")}.");
        }
    }

    private void Describe()
    {
        Title = "Settings";
        Area = "settings";
    }
}
