using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsletters.Newsroom;

public sealed record IssueRow(int Id, string Subject, IssueState State, bool IsAlert, DateTime CreatedAt, DateTime? SentAt, int Recipients, int Sent, int Failed);

/// <summary>One newsletter: its settings (admins), its issues, and the button that composes a new issue from its source (editors).</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class ListPageModel(BylineDb db, NewsletterIssues issues, SiteSettingsStore settings, AuditLog audit, TimeProvider clock) : NewsroomPageModel
{
    public NewsletterList? List { get; private set; }

    public IReadOnlyList<IssueRow> Issues { get; private set; } = [];

    public IReadOnlyList<(int Id, string Name)> Sections { get; private set; } = [];

    public int Audience { get; private set; }

    [BindProperty]
    public ListForm Form { get; set; } = new();

    public ListFieldsView Fields => new(Form, Sections, settings.Current.TimeZone);

    public bool IsAdmin => User.IsInRole(Roles.Admin);

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Form = ListForm.From(List!);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(int id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var list = await db.Set<NewsletterList>().AsTracking().FirstAsync(l => l.Id == id, ct);
        var errors = Form.ApplyTo(list, Sections.Select(s => s.Id).ToHashSet());
        if (errors.Count == 0 && await db.Set<NewsletterList>().AnyAsync(l => l.Slug == list.Slug && l.Id != id, ct))
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
        var now = clock.GetUtcNow().UtcDateTime;
        list.UpdatedAt = now;
        list.NextIssueAt = NewsletterIssues.NextRun(list, now, settings.Dateline.Zone);
        audit.Record(db, User, "newsletter.list_saved", "newsletter-list", id.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Name, ClientIp);
        await db.SaveChangesAsync(ct);
        Flash = "Saved.";
        return Redirect($"/newsroom/newsletters/{id}");
    }

    public async Task<IActionResult> OnPostComposeAsync(int id, CancellationToken ct)
    {
        var list = await db.Set<NewsletterList>().AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct);
        if (list is null)
        {
            return NotFound();
        }
        var issue = await issues.ComposeAsync(list, User.Identity?.Name ?? "", alert: false, null, ct);
        return Redirect($"/newsroom/newsletters/issues/{issue.Id}");
    }

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        List = await db.Set<NewsletterList>().AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct);
        if (List is null)
        {
            return false;
        }
        Title = List.Name;
        Area = "newsletters";
        Sections = [.. (await db.Sections.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct)).Select(s => (s.Id, s.Name))];
        Audience = await issues.AudienceAsync(id, ct);
        var deliveries = db.Set<NewsletterDelivery>();
        Issues = await db.Set<NewsletterIssue>().AsNoTracking().Where(i => i.ListId == id).OrderByDescending(i => i.Id).Take(50)
            .Select(i => new IssueRow(i.Id, i.Subject, i.State, i.IsAlert, i.CreatedAt, i.SentAt, i.Recipients,
                deliveries.Count(d => d.IssueId == i.Id && d.State == DeliveryState.Sent),
                deliveries.Count(d => d.IssueId == i.Id && d.State == DeliveryState.Failed)))
            .ToListAsync(ct);
        return true;
    }
}
