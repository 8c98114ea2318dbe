using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Wire.Newsroom;

/// <summary>
/// Admin: the wire sources with their health, the form that adds one, and (with an id) one source's edit form,
/// switch, push secret and quarantine. A push secret is shown on the response that made it and nowhere else.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class SourcesPageModel(BylineDb db, WireSources sources, WireHealth health) : NewsroomPageModel
{
    public IReadOnlyList<SourceHealth> Sources { get; private set; } = [];
    public IReadOnlyList<(int Id, string Name)> Sections { get; private set; } = [];
    public IReadOnlyList<WireQuarantine> Quarantine { get; private set; } = [];
    public SourceHealth? Current { get; private set; }
    public string? NewSecret { get; private set; }

    [BindProperty] public string AgencyName { get; set; } = "";
    [BindProperty] public string CreditLine { get; set; } = "";
    [BindProperty] public WireFeedKind Kind { get; set; }
    [BindProperty] public string FeedUrl { get; set; } = "";
    [BindProperty] public string FolderPath { get; set; } = "";
    [BindProperty] public int PollIntervalSeconds { get; set; } = 60;
    [BindProperty] public int? DefaultSectionId { get; set; }
    [BindProperty] public string FeedUser { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public bool ClearCredentials { get; set; }
    [BindProperty] public bool Push { get; set; }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken ct)
    {
        if (id is { } existing)
        {
            var source = await db.Set<WireSource>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == existing, ct);
            if (source is null)
            {
                return NotFound();
            }
            AgencyName = source.AgencyName;
            CreditLine = source.CreditLine;
            Kind = source.Kind;
            FeedUrl = source.Url ?? "";
            FolderPath = source.FolderPath ?? "";
            PollIntervalSeconds = source.PollIntervalSeconds;
            DefaultSectionId = source.DefaultSectionId;
            Push = source.ProtectedPushSecret is not null;
            FeedUser = source.ProtectedCredentials is null ? "" : sources.Credentials(source)?.User ?? "";
        }
        return await LoadAsync(id, ct);
    }

    public async Task<IActionResult> OnPostSaveAsync(int? id, CancellationToken ct)
    {
        var input = new SourceInput(AgencyName ?? "", CreditLine ?? "", Kind, FeedUrl ?? "", PollIntervalSeconds, DefaultSectionId,
            FeedUser ?? "", Password ?? "", ClearCredentials, Push, FolderPath ?? "");
        var errors = await sources.ValidateAsync(input, ct);
        if (errors.Count > 0)
        {
            foreach (var (field, message) in errors)
            {
                ModelState.AddModelError(field == nameof(SourceInput.Url) ? nameof(FeedUrl) : field == nameof(SourceInput.User) ? nameof(FeedUser) : field, message);
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await LoadAsync(id, ct);
        }
        SourceSaved? saved = id is { } existing
            ? await sources.UpdateAsync(existing, input, User, ClientIp, ct)
            : await sources.CreateAsync(input, User, ClientIp, ct);
        if (saved is null)
        {
            return NotFound();
        }
        if (saved.PushSecret is null)
        {
            Flash = $"Saved {input.AgencyName.Trim()}.";
            return Redirect($"/newsroom/wire/sources/{saved.Id}");
        }
        NewSecret = saved.PushSecret;
        ModelState.Clear();
        Password = "";
        return await LoadAsync(saved.Id, ct);
    }

    public async Task<IActionResult> OnPostSwitchAsync(int id, bool enable, CancellationToken ct)
    {
        if (!await sources.SetEnabledAsync(id, enable, User, ClientIp, ct))
        {
            return NotFound();
        }
        Flash = enable ? "The source is on." : "The source is off: it is not polled and takes no pushes.";
        return Redirect($"/newsroom/wire/sources/{id}");
    }

    public async Task<IActionResult> OnPostRotateAsync(int id, CancellationToken ct)
    {
        var secret = await sources.RotatePushSecretAsync(id, User, ClientIp, ct);
        if (secret is null)
        {
            return NotFound();
        }
        NewSecret = secret;
        return await OnGetAsync(id, ct);
    }

    private async Task<IActionResult> LoadAsync(int? id, CancellationToken ct)
    {
        Area = "wire-sources";
        Sources = await health.SourcesAsync(ct);
        Sections = await db.Sections.AsNoTracking().OrderBy(s => s.Name).Select(s => new ValueTuple<int, string>(s.Id, s.Name)).ToListAsync(ct);
        if (id is { } existing)
        {
            Current = Sources.FirstOrDefault(s => s.Id == existing);
            if (Current is null)
            {
                return NotFound();
            }
            Title = "Wire source " + Current.AgencyName;
            Quarantine = await db.Set<WireQuarantine>().AsNoTracking().Where(q => q.SourceId == existing).OrderByDescending(q => q.Id).Take(20).ToListAsync(ct);
        }
        else
        {
            Title = "Wire sources";
        }
        return Page();
    }

    public static string When(DateTime? at) => at is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string KindName(WireFeedKind k) => k switch
    {
        WireFeedKind.Ninjs => "ninjs 2.x JSON",
        WireFeedKind.NewsMlG2 => "NewsML-G2 XML",
        WireFeedKind.NewsMlG2Folder => "NewsML-G2 watched folder",
        _ => "RSS / Atom",
    };
}
