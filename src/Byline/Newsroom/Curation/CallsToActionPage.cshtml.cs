using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Curation;

public sealed class CallToActionInput
{
    public bool Enabled { get; set; }
    public string Label { get; set; } = "";
    public string Text { get; set; } = "";
    public string Url { get; set; } = "";

    public static CallToActionInput From(CallToAction c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new() { Enabled = c.Enabled, Label = c.Label, Text = c.Text, Url = c.Url };
    }

    public CallToAction ToValue() => new(Enabled, Label.Trim(), Text.Trim(), Url.Trim());
}

/// <summary>The article page's calls to action: newsletter, membership, preferred source. Each can be switched off.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class CallsToActionPageModel(SiteEdits edits) : NewsroomPageModel
{
    [BindProperty]
    public CallToActionInput Newsletter { get; set; } = new();

    [BindProperty]
    public CallToActionInput Membership { get; set; } = new();

    [BindProperty]
    public CallToActionInput PreferredSource { get; set; } = new();

    public void OnGet()
    {
        Describe();
        var s = edits.Current;
        Newsletter = CallToActionInput.From(s.Newsletter);
        Membership = CallToActionInput.From(s.Membership);
        PreferredSource = CallToActionInput.From(s.PreferredSource);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Describe();
        Check(Newsletter, nameof(Newsletter));
        Check(Membership, nameof(Membership));
        Check(PreferredSource, nameof(PreferredSource));
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var changed = edits.Current with
        {
            Newsletter = Newsletter.ToValue(),
            Membership = Membership.ToValue(),
            PreferredSource = PreferredSource.ToValue(),
        };
        await edits.SaveAsync(changed, User, "calls-to-action", ClientIp, ct);
        Flash = "Calls to action saved.";
        return RedirectToPage();
    }

    private void Check(CallToActionInput input, string prefix)
    {
        input.Label ??= "";
        input.Text ??= "";
        input.Url ??= "";
        if (input.Label.Trim().Length is 0 or > 100)
        {
            ModelState.AddModelError($"{prefix}.Label", "Give a label of 1 to 100 characters.");
        }
        if (input.Text.Length > 300)
        {
            ModelState.AddModelError($"{prefix}.Text", "Keep the text under 300 characters.");
        }
        if (!SiteLinks.IsAllowedUrl(input.Url.Trim()))
        {
            ModelState.AddModelError($"{prefix}.Url", "Use an http(s) address or a site path starting with /.");
        }
    }

    private void Describe()
    {
        Title = "Calls to action";
        Area = "curation-cta";
    }
}
