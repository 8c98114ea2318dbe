using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsletters.Newsroom;

public sealed record ListRow(int Id, string Name, string Slug, NewsletterKind Kind, bool Enabled, int Confirmed, int Pending, DateTime? NextIssueAt);

/// <summary>What the list form partial needs: the form, the sections a digest can draw from, and the publication's zone.</summary>
public sealed record ListFieldsView(ListForm Form, IReadOnlyList<(int Id, string Name)> Sections, string Zone);

/// <summary>Newsletters in the newsroom: every list with its subscribers; admins create lists here.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class ListsPageModel(BylineDb db, SiteSettingsStore settings, AuditLog audit, TimeProvider clock) : NewsroomPageModel
{
    public IReadOnlyList<ListRow> Lists { get; private set; } = [];

    public IReadOnlyList<(int Id, string Name)> Sections { get; private set; } = [];

    [BindProperty]
    public ListForm Form { get; set; } = new();

    public ListFieldsView Fields => new(Form, Sections, settings.Current.TimeZone);

    public bool IsAdmin => User.IsInRole(Roles.Admin);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Form = new ListForm { SenderName = settings.Current.PublicationName };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }
        await LoadAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var list = new NewsletterList { Name = "", Slug = "", SenderName = "", SenderAddress = "", CreatedAt = now, UpdatedAt = now };
        var errors = Form.ApplyTo(list, Sections.Select(s => s.Id).ToHashSet());
        if (errors.Count == 0 && await db.Set<NewsletterList>().AnyAsync(l => l.Slug == list.Slug, ct))
        {
            errors["Form.Slug"] = "Another newsletter has this slug.";
        }
        if (errors.Count > 0)
        {
            foreach (var (key, message) in errors)
            {
                ModelState.AddModelError(key, message);
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        list.NextIssueAt = NewsletterIssues.NextRun(list, now, settings.Dateline.Zone);
        db.Add(list);
        await db.SaveChangesAsync(ct);
        audit.Record(db, User, "newsletter.list_created", "newsletter-list", list.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Name, ClientIp);
        await db.SaveChangesAsync(ct);
        Flash = $"Newsletter “{list.Name}” created.";
        return Redirect($"/newsroom/newsletters/{list.Id}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Newsletters";
        Area = "newsletters";
        Sections = [.. (await db.Sections.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct)).Select(s => (s.Id, s.Name))];
        var subs = db.Set<NewsletterSubscription>();
        Lists = await db.Set<NewsletterList>().AsNoTracking().OrderBy(l => l.Name)
            .Select(l => new ListRow(l.Id, l.Name, l.Slug, l.Kind, l.Enabled,
                subs.Count(s => s.ListId == l.Id && s.State == SubscriptionState.Confirmed),
                subs.Count(s => s.ListId == l.Id && s.State == SubscriptionState.Pending), l.NextIssueAt))
            .ToListAsync(ct);
    }
}
