using System.Globalization;
using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Curation;

/// <summary>One home-page section block in the layout form and its preview: the section and its newest headlines.</summary>
public sealed record FrontBlockRow(int SectionId, string Name, string Layout, IReadOnlyList<string> Headlines);

/// <summary>
/// The home page's shape: how many secondary stories follow the lead in Top Stories, and each section
/// block's layout. A plain form (works without script); the preview beside it follows the choices as
/// they are made (newsroom-front.js), and saving evicts the home page like any settings change.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class FrontPageLayoutPageModel(SiteEdits edits, BylineDb db) : NewsroomPageModel
{
    private const int PreviewStories = 4;

    [BindProperty]
    public string? Secondary { get; set; }

    /// <summary>Layout slugs by section id, as posted ("Layouts[12]=four-up"); read from the form in <see cref="OnPostAsync"/>.</summary>
    public IReadOnlyDictionary<int, string> Layouts { get; private set; } = new Dictionary<int, string>();

    public IReadOnlyList<FrontBlockRow> Blocks { get; private set; } = [];

    public IReadOnlyList<string> TopHeadlines { get; private set; } = [];

    public int SecondaryCount => int.TryParse(Secondary, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= FrontPage.MinSecondary and <= FrontPage.MaxSecondary
        ? n : edits.Current.Front.SecondaryCount;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var front = edits.Current.Front;
        Secondary = front.SecondaryCount.ToString(CultureInfo.InvariantCulture);
        await LoadAsync(id => FrontPage.Slug(front.LayoutOf(id)), ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var front = edits.Current.Front;
        if (!int.TryParse(Secondary?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var secondary)
            || secondary < FrontPage.MinSecondary || secondary > FrontPage.MaxSecondary)
        {
            ModelState.AddModelError(nameof(Secondary), $"Choose {FrontPage.MinSecondary} to {FrontPage.MaxSecondary} secondary stories.");
        }
        var sections = await HomeSectionsAsync(ct);
        Layouts = PostedLayouts();
        var layouts = new Dictionary<int, BlockLayout>();
        foreach (var (id, slug) in Layouts)
        {
            if (!sections.Any(s => s.Id == id))
            {
                ModelState.AddModelError(nameof(Layouts), $"Section {id} is not on the home page: reload this page to see the current sections.");
            }
            else if (FrontPage.FromSlug(slug) is { } layout)
            {
                if (layout != BlockLayout.LeadList)
                {
                    layouts[id] = layout;
                }
            }
            else
            {
                ModelState.AddModelError($"Layouts[{id}]", "Choose one of the layouts in the list.");
            }
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(id => Layouts.GetValueOrDefault(id) ?? FrontPage.Slug(front.LayoutOf(id)), ct);
            return Page();
        }
        // Layouts of sections no longer on the home page are kept: they come back with the section.
        var kept = front.Layouts.Where(l => !sections.Any(s => s.Id == l.Key)).ToDictionary();
        foreach (var (id, layout) in layouts)
        {
            kept[id] = layout;
        }
        await edits.SaveAsync(edits.Current with { Front = front with { Secondary = secondary, Layouts = kept } }, User, "front page", ClientIp, ct);
        Flash = "The home page layout is saved.";
        return RedirectToPage();
    }

    private Dictionary<int, string> PostedLayouts()
    {
        var posted = new Dictionary<int, string>();
        foreach (var (key, value) in Request.Form)
        {
            if (key.StartsWith("Layouts[", StringComparison.Ordinal) && key.EndsWith(']')
                && int.TryParse(key.AsSpan(8, key.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                posted[id] = value.ToString().Trim();
            }
            else if (key.StartsWith("Layouts", StringComparison.Ordinal))
            {
                ModelState.AddModelError(nameof(Layouts), "A layout field did not name a section: reload this page.");
            }
        }
        return posted;
    }

    private Task<List<Section>> HomeSectionsAsync(CancellationToken ct) =>
        db.Sections.AsNoTracking().Where(s => s.ParentId == null && s.ShowOnHome).OrderBy(s => s.Position).ThenBy(s => s.Name).ToListAsync(ct);

    private async Task LoadAsync(Func<int, string> layoutOf, CancellationToken ct)
    {
        Title = "Home page layout";
        Area = "curation-front";
        var sections = await HomeSectionsAsync(ct);
        var rows = new List<FrontBlockRow>(sections.Count);
        foreach (var section in sections)
        {
            // A few headlines per block for the preview: an editor-only page, a handful of index reads.
            var headlines = await db.Articles.AsNoTracking()
                .Where(a => a.Status == ArticleStatus.Published && a.TopSectionId == section.Id && a.Format < StoryFormats.FirstUnlisted)
                .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Headline).Take(PreviewStories).ToListAsync(ct);
            rows.Add(new FrontBlockRow(section.Id, section.Name, layoutOf(section.Id), headlines));
        }
        Blocks = rows;
        TopHeadlines = await db.CuratedItems.AsNoTracking()
            .Where(c => c.List == TopStoriesPageModel.List && c.Article!.Status == ArticleStatus.Published)
            .OrderBy(c => c.Position).ThenBy(c => c.Id).Select(c => c.Article!.Headline).Take(1 + FrontPage.MaxSecondary + FrontPage.MoreCount).ToListAsync(ct);
    }
}
