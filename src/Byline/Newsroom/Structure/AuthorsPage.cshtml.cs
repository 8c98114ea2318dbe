using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Structure;

public sealed record ImageChoice(int Id, string Label);

/// <summary>Authors and desks: create and edit name, address (old URLs redirect), job title, bio, social links and a photo from the media library.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class AuthorsPageModel(BylineDb db, StructureEdits edits) : NewsroomPageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<Author> Authors { get; private set; } = [];
    /// <summary>The search over the list (name or address starts with), from the query string.</summary>
    public string? Q { get; private set; }
    public ListPage Paging { get; private set; } = new("/newsroom/authors", null, 1, PageSize, 0);
    public IReadOnlyList<ImageChoice> Images { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public int? Id { get; set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string? Slug { get; set; }
    [BindProperty] public string JobTitle { get; set; } = "";
    [BindProperty] public string Bio { get; set; } = "";
    // Nullable: an empty box binds as null, and a non-nullable property would make it implicitly required.
    [BindProperty] public string? SocialLinks { get; set; }
    [BindProperty] public bool IsDesk { get; set; }
    [BindProperty] public int? PhotoImageId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Id is int id)
        {
            var author = await db.Authors.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
            if (author is null)
            {
                return NotFound();
            }
            (Name, Slug, JobTitle, Bio, IsDesk, PhotoImageId) = (author.Name, author.Slug, author.JobTitle, author.Bio, author.IsDesk, author.PhotoImageId);
            SocialLinks = author.SocialLinks;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Name = (Name ?? "").Trim();
        JobTitle = (JobTitle ?? "").Trim();
        Bio = (Bio ?? "").Trim();
        if (Name.Length is 0 or > 100)
        {
            ModelState.AddModelError(nameof(Name), "Give a name of 1 to 100 characters.");
        }
        if (JobTitle.Length > 100)
        {
            ModelState.AddModelError(nameof(JobTitle), "Keep the job title under 100 characters.");
        }
        if (Bio.Length > 2000)
        {
            ModelState.AddModelError(nameof(Bio), "Keep the bio under 2,000 characters.");
        }
        var links = (SocialLinks ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (links.Length > AuthorProfiles.MaxLinks)
        {
            ModelState.AddModelError(nameof(SocialLinks), $"Give at most {AuthorProfiles.MaxLinks} links.");
        }
        else if (links.FirstOrDefault(l => !AuthorProfiles.TryRead(l, out _, out _)) is { } bad)
        {
            ModelState.AddModelError(nameof(SocialLinks), $"“{(bad.Length > 60 ? bad[..60] + "…" : bad)}” is not a full https:// address (one link a line, under {AuthorProfiles.MaxLength} characters).");
        }
        SocialLinks = string.Join('\n', links);
        var slug = StructureEdits.SlugFor(Slug, Name, e => ModelState.AddModelError(nameof(Slug), e));
        Author? author = null;
        if (Id is int id && (author = await db.Authors.AsTracking().FirstOrDefaultAsync(a => a.Id == id, ct)) is null)
        {
            return NotFound();
        }
        if (slug is not null && await db.Authors.AnyAsync(a => a.Slug == slug && a.Id != (author == null ? 0 : author.Id), ct))
        {
            ModelState.AddModelError(nameof(Slug), $"Another author already uses “{slug}”.");
        }
        if (PhotoImageId is int photo && !await db.Images.AnyAsync(i => i.Id == photo, ct))
        {
            ModelState.AddModelError(nameof(PhotoImageId), "Pick a picture from the media library.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        if (author is null)
        {
            author = new Author { Name = Name, Slug = slug! };
            db.Authors.Add(author);
        }
        else
        {
            await edits.RedirectAsync(RedirectKind.Author, author.Slug, slug!, author.Id, ct);
        }
        author.Name = Name;
        author.Slug = slug!;
        author.JobTitle = JobTitle;
        author.Bio = Bio;
        author.SocialLinks = SocialLinks ?? "";
        author.IsDesk = IsDesk;
        author.PhotoImageId = PhotoImageId;
        if (author.Id == 0)
        {
            await db.SaveChangesAsync(ct);
        }
        await edits.SaveAsync(User, AuditActions.AuthorSaved, "author", author.Id, $"{Name} (/author/{slug})", ClientIp, [ContentKeys.Author(author.Id), ContentKeys.Sitemaps], ct);
        Flash = $"“{Name}” saved.";
        return Redirect($"/newsroom/authors?id={author.Id}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Authors";
        Area = "authors";
        var typed = Request.Query["q"].ToString().Trim();
        Q = typed.Length == 0 ? null : typed[..Math.Min(typed.Length, 100)];
        var query = db.Authors.AsNoTracking();
        if (ListPage.SlugRange(Q) is var (from, to))
        {
#pragma warning disable CA1309 // translated to SQL ("Slug" >= @from AND "Slug" < @to): the database compares, on the slug index
            query = query.Where(a => string.Compare(a.Slug, from) >= 0 && string.Compare(a.Slug, to) < 0);
#pragma warning restore CA1309
        }
        var total = await query.LongCountAsync(ct);
        Paging = new ListPage("/newsroom/authors", Q, ListPage.Clamp(Request.Query["page"], total, PageSize), PageSize, total);
        Authors = await query.OrderBy(a => a.Slug).Skip(Paging.Skip).Take(PageSize).ToListAsync(ct);
        Images = await db.Images.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(200)
            .Select(i => new ImageChoice(i.Id, i.Alt == "" ? i.Key : i.Alt)).ToListAsync(ct);
    }
}
