using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Curation;

/// <summary>The three text-edited link lists: trending topics, navigation menus, footer groups.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class LinksPageModel(SiteEdits edits) : NewsroomPageModel
{
    public static readonly IReadOnlyDictionary<string, (string Title, string Help)> Kinds = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["trending"] = ("Trending topics", "One chip per line: Label | URL. They show under the site header in this order."),
        ["menus"] = ("Navigation menu", "One top item per line: Label | URL. Put its sub-items on the lines below it, starting with \"- \". Two levels."),
        ["footer"] = ("Footer groups", "Start each group with \"# Title\", then its links, one per line: Label | URL."),
    };

    [BindProperty]
    public string Text { get; set; } = "";

    public string Kind { get; private set; } = "";
    public string Help { get; private set; } = "";
    public IList<string> Errors { get; } = [];

    public IActionResult OnGet(string kind)
    {
        if (!Describe(kind))
        {
            return NotFound();
        }
        var s = edits.Current;
        Text = kind switch
        {
            "trending" => LinkLines.Format(s.TrendingTopics),
            "menus" => LinkLines.Format(s.Navigation),
            _ => LinkLines.Format(s.FooterGroups),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string kind, CancellationToken ct)
    {
        if (!Describe(kind))
        {
            return NotFound();
        }
        if (Text?.Length > 20_000)
        {
            Errors.Add("The list is too long.");
            return Page();
        }
        var s = edits.Current;
        SiteSettings changed = kind switch
        {
            "trending" => s with { TrendingTopics = LinkLines.ParseList(Text, Errors) },
            "menus" => s with { Navigation = LinkLines.ParseMenu(Text, Errors) },
            _ => s with { FooterGroups = LinkLines.ParseGroups(Text, Errors) },
        };
        if (Errors.Count > 0)
        {
            ModelState.AddModelError(nameof(Text), string.Join(" ", Errors));
            return Page();
        }
        await edits.SaveAsync(changed, User, kind, ClientIp, ct);
        Flash = $"{Title} saved.";
        return RedirectToPage(new { kind });
    }

    private bool Describe(string kind)
    {
        if (!Kinds.TryGetValue(kind, out var d))
        {
            return false;
        }
        Kind = kind;
        Title = d.Title;
        Help = d.Help;
        Area = "curation-" + kind;
        return true;
    }
}
