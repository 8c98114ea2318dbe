using System.Globalization;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Wire.Newsroom;

/// <summary>
/// The wire desk: agency copy newest first, near-duplicates as one row with their members, filters and full-text
/// search, a reading pane for the chosen item, and "Use as draft". Every newsroom role reads it; a contributor's
/// draft is their own, as with any story they start.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class DeskPageModel(WireDesk desk, WireDrafts drafts, WirePictures pictures, TimeProvider clock) : NewsroomPageModel
{
    [FromQuery(Name = "source")] public int? Source { get; set; }
    [FromQuery(Name = "urgency")] public int? Urgency { get; set; }
    [FromQuery(Name = "subject")] public string? Subject { get; set; }
    [FromQuery(Name = "hours")] public int? Hours { get; set; }
    [FromQuery(Name = "pictures")] public bool Pictures { get; set; }
    [FromQuery(Name = "embargoed")] public bool Embargoed { get; set; }
    [FromQuery(Name = "q")] public string? Query { get; set; }
    [FromQuery(Name = "item")] public long? Item { get; set; }

    public IReadOnlyList<DeskRow> Rows { get; private set; } = [];
    public IReadOnlyList<(int Id, string Name)> Sources { get; private set; } = [];
    public DeskItem? Reading { get; private set; }
    /// <summary>The reading item's pictures already fetched (or failed), by address; an address absent is not fetched yet.</summary>
    public IReadOnlyDictionary<string, WirePicture> PictureStates { get; private set; } = new Dictionary<string, WirePicture>();
    public DateTime Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUseAsync(long item, bool cluster, CancellationToken ct)
    {
        var made = await drafts.CreateAsync(item, cluster, Actor.From(User), ct);
        if (made.ArticleId is { } id)
        {
            Flash = made.FailedPictures.Count == 0 ? "A draft was made from the wire copy."
                : $"A draft was made from the wire copy, without {made.FailedPictures.Count} of its pictures: "
                    + string.Join("; ", made.FailedPictures.Take(3).Select(p => p.Error)) + ".";
            return Redirect(string.Create(CultureInfo.InvariantCulture, $"/newsroom/stories/{id}"));
        }
        ModelState.AddModelError("", made.Error ?? "The draft could not be made.");
        foreach (var message in made.Errors?.Values ?? [])
        {
            ModelState.AddModelError("", message);
        }
        Item = item;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Wire desk";
        Area = "wire";
        Now = clock.GetUtcNow().UtcDateTime;
        Urgency = Urgency is >= 1 and <= 9 ? Urgency : null;
        Hours = Hours is >= 1 and <= 24 * 90 ? Hours : null;
        Query = Query is { Length: > 200 } q ? q[..200] : Query;
        Subject = Subject is { Length: > 100 } s ? s[..100] : Subject;
        Sources = await desk.SourcesAsync(ct);
        Rows = await desk.ListAsync(new DeskFilter(Source, Urgency, Subject, Hours, Pictures, Embargoed, Query), ct);
        var chosen = Item ?? (Rows.Count > 0 ? Rows[0].Lead.Id : null);
        Reading = chosen is { } id ? await desk.ItemAsync(id, ct) : null;
        if (Reading is { Item.HasPictures: true } r)
        {
            PictureStates = await pictures.StatusAsync(r.Item.Pictures.Split('\n', StringSplitOptions.RemoveEmptyEntries), ct);
        }
    }

    /// <summary>The desk's address with the current filters and another item chosen.</summary>
    public string Link(long item)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("source", Source?.ToString(CultureInfo.InvariantCulture));
        Add("urgency", Urgency?.ToString(CultureInfo.InvariantCulture));
        Add("subject", Subject);
        Add("hours", Hours?.ToString(CultureInfo.InvariantCulture));
        Add("pictures", Pictures ? "true" : null);
        Add("embargoed", Embargoed ? "true" : null);
        Add("q", Query);
        Add("item", item.ToString(CultureInfo.InvariantCulture));
        return "/newsroom/wire?" + string.Join('&', parts);
    }

    public static string When(DateTime at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static IEnumerable<string> Subjects(string stored) => (stored ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries);
}
