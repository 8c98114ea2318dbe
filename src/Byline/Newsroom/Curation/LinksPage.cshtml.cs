using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Curation;

/// <summary>
/// The three link lists, each edited as rows (a label and a link): trending topics, the navigation menu
/// (top items and their sub-items) and the footer groups. A plain form without script; newsroom-links.js
/// adds drag to reorder, moving in the page and the link picker.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class LinksPageModel(SiteEdits edits) : NewsroomPageModel
{
    [BindProperty]
#pragma warning disable CA2227, CA1002 // Model binding fills the posted rows into this list; the form's buttons rearrange it.
    public List<GroupRow> Groups { get; set; } = [];
#pragma warning restore CA2227, CA1002

    /// <summary>A row button pressed without script ("up:0:2", "remove:1", "add:0"…); empty for Save.</summary>
    [BindProperty]
    public string? Op { get; set; }

    public LinkListKind Kind { get; private set; } = LinkListKind.Trending;

    /// <summary>Messages by the posted field's name (<c>Groups[1].Links[0].Url</c>), shown beside the field.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>What a button did, read out by the status region.</summary>
    public string? Status { get; private set; }

    /// <summary>The field to put the cursor in after a button's round trip.</summary>
    public string? Focus { get; private set; }

    public IActionResult OnGet(string kind)
    {
        if (!Describe(kind))
        {
            return NotFound();
        }
        Groups = Kind.Read(edits.Current);
        LinkListEdits.Tidy(Kind, Groups);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string kind, CancellationToken ct)
    {
        if (!Describe(kind))
        {
            return NotFound();
        }
        Groups ??= [];
        if (!string.IsNullOrEmpty(Op))
        {
            // The fields show the rearranged rows, not what the binder read at their old positions.
            ModelState.Clear();
            if (LinkListEdits.TryApply(Kind, Groups, Op, out var done, out var focus))
            {
                Status = done;
                Focus = focus;
            }
            else
            {
                LinkListEdits.Tidy(Kind, Groups);
            }
            return Page();
        }
        var changed = Kind.Apply(edits.Current, Groups, Errors);
        if (changed is null)
        {
            foreach (var (field, message) in Errors)
            {
                ModelState.AddModelError(field, message);
            }
            EnsureBlankRows();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await edits.SaveAsync(changed, User, Kind.Key, ClientIp, ct);
        Flash = $"{Title} saved: readers see it now.";
        return RedirectToPage(new { kind });
    }

    /// <summary>The form field id of a posted field name, as ASP.NET writes it ("Groups_0__Links_1__Url").</summary>
    public static string IdOf(string name) => (name ?? "").Replace('[', '_').Replace(']', '_').Replace('.', '_');

    public string? ErrorFor(string name) => Errors.GetValueOrDefault(name);

    /// <summary>
    /// After a refusal the rows stay where they were posted (each error names its row's position), but every
    /// group still gets a blank row to add one more.
    /// </summary>
    private void EnsureBlankRows()
    {
        for (var g = 0; g < Groups.Count; g++)
        {
            var group = Groups[g] ??= new GroupRow();
            for (var i = 0; i < group.Links.Count; i++)
            {
                group.Links[i] ??= new LinkRow();
            }
            if (group.Links.Count == 0 || !group.Links[^1].IsBlank)
            {
                group.Links.Add(new LinkRow());
            }
        }
        if (Kind.Shape == LinkListShape.Flat && Groups.Count == 0)
        {
            Groups.Add(new GroupRow { Links = [new LinkRow()] });
        }
    }

    private bool Describe(string kind)
    {
        if (!LinkListKind.All.TryGetValue(kind, out var k))
        {
            return false;
        }
        Kind = k;
        Title = k.Title;
        Area = "curation-" + kind;
        return true;
    }
}
