using Byline.Content;
using Byline.Newsroom;
using Byline.Newsroom.Curation;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Ads.Newsroom;

/// <summary>Admin: the ad positions (sizes per breakpoint), the ad servers, consent, and the list of first-party creatives.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class AdsPageModel(SiteEdits edits, BylineDb db, AdCatalog catalog) : NewsroomPageModel
{
    public sealed class PositionForm
    {
        public string? Key { get; set; } = "";
        public bool Enabled { get; set; }
        public string? MobileSizes { get; set; } = "";
        public string? DesktopSizes { get; set; } = "";
        public string? GamUnit { get; set; } = "";
        public string? PrebidBids { get; set; } = "";
    }

    [BindProperty] public string? Label { get; set; } = "";
    [BindProperty] public string? GamNetworkCode { get; set; } = "";
    [BindProperty] public string? GamScriptUrl { get; set; } = "";
    [BindProperty] public string? PrebidScriptUrl { get; set; } = "";
    [BindProperty] public int PrebidTimeoutMs { get; set; }
    [BindProperty] public bool ConsentRequired { get; set; }
    [BindProperty] public string? PartnerHosts { get; set; } = "";
    [BindProperty] public IReadOnlyList<PositionForm> Positions { get; set; } = [];

    public IReadOnlyList<AdCreative> Creatives { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Describe();
        var ads = edits.Current.Ads;
        Label = ads.Label;
        GamNetworkCode = ads.GamNetworkCode;
        GamScriptUrl = ads.GamScriptUrl;
        PrebidScriptUrl = ads.PrebidScriptUrl;
        PrebidTimeoutMs = ads.PrebidTimeoutMs;
        ConsentRequired = ads.ConsentRequired;
        PartnerHosts = ads.PartnerHosts;
        Positions = [.. ads.All().Select(p => new PositionForm
        {
            Key = p.Info.Key,
            Enabled = p.Config.Enabled,
            MobileSizes = p.Config.MobileSizes,
            DesktopSizes = p.Config.DesktopSizes,
            GamUnit = p.Config.GamUnit,
            PrebidBids = p.Config.PrebidBids,
        })];
        await LoadCreativesAsync(ct);
    }

    private async Task LoadCreativesAsync(CancellationToken ct) =>
        Creatives = await db.AdCreatives.AsNoTracking().OrderByDescending(c => c.Id).Take(500).ToListAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Describe();
        Label = (Label ?? "").Trim();
        GamNetworkCode = (GamNetworkCode ?? "").Trim();
        GamScriptUrl = (GamScriptUrl ?? "").Trim();
        PrebidScriptUrl = (PrebidScriptUrl ?? "").Trim();
        PartnerHosts = (PartnerHosts ?? "").Trim();
        var hosts = AdHosts.PartnerHostsTyped(PartnerHosts);
        if (PartnerHosts.Length > 8000 || hosts.Count > AdHosts.MaxPartnerHosts)
        {
            ModelState.AddModelError(nameof(PartnerHosts), $"List at most {AdHosts.MaxPartnerHosts} hosts.");
        }
        else if (hosts.Select(AdHosts.PartnerHostProblem).FirstOrDefault(p => p is not null) is { } hostProblem)
        {
            ModelState.AddModelError(nameof(PartnerHosts), hostProblem);
        }
        if (Label.Length is 0 or > 60)
        {
            ModelState.AddModelError(nameof(Label), "Give a label of 1 to 60 characters.");
        }
        if (GamNetworkCode.Length > 0 && (GamNetworkCode.Length > 20 || !GamNetworkCode.All(char.IsAsciiDigit)))
        {
            ModelState.AddModelError(nameof(GamNetworkCode), "The network code is the number in your Ad Manager address, such as 21812345; leave empty for no Ad Manager.");
        }
        if (GamScriptUrl.Length == 0)
        {
            GamScriptUrl = AdSettings.DefaultGptUrl;
        }
        if (!AdRules.IsClickUrl(GamScriptUrl))
        {
            ModelState.AddModelError(nameof(GamScriptUrl), "Give the address of the GPT script, starting with https://.");
        }
        if (PrebidScriptUrl.Length > 0 && !AdRules.IsClickUrl(PrebidScriptUrl) && !(PrebidScriptUrl.StartsWith('/') && !PrebidScriptUrl.StartsWith("//", StringComparison.Ordinal)))
        {
            ModelState.AddModelError(nameof(PrebidScriptUrl), "Give the address of the Prebid.js build you host (https://… or a path on this site); leave empty for no header bidding.");
        }
        if (ModelState.TryGetValue(nameof(PrebidTimeoutMs), out var t) && t.Errors.Count > 0)
        {
            t.Errors.Clear();
            ModelState.AddModelError(nameof(PrebidTimeoutMs), "Use a whole number of milliseconds from 100 to 5000.");
        }
        else if (PrebidTimeoutMs is < 100 or > 5000)
        {
            ModelState.AddModelError(nameof(PrebidTimeoutMs), "Use a whole number of milliseconds from 100 to 5000.");
        }
        Positions ??= [];
        var configured = new List<AdPosition>();
        for (var i = 0; i < Positions.Count; i++)
        {
            var p = Positions[i];
            p.MobileSizes = (p.MobileSizes ?? "").Trim();
            p.DesktopSizes = (p.DesktopSizes ?? "").Trim();
            p.GamUnit = (p.GamUnit ?? "").Trim();
            p.PrebidBids = (p.PrebidBids ?? "").Trim();
            var prefix = $"{nameof(Positions)}[{i}].";
            if (AdSettings.Info(p.Key ?? "") is null || configured.Any(c => c.Key == p.Key))
            {
                ModelState.AddModelError(prefix + nameof(PositionForm.Key), $"There is no position \"{p.Key}\".");
                continue;
            }
            if (AdSettings.ParseSizes(p.MobileSizes) is not { Count: > 0 })
            {
                ModelState.AddModelError(prefix + nameof(PositionForm.MobileSizes), "List sizes as width x height, separated by commas: 320x50, 300x250.");
            }
            if (AdSettings.ParseSizes(p.DesktopSizes) is not { Count: > 0 })
            {
                ModelState.AddModelError(prefix + nameof(PositionForm.DesktopSizes), "List sizes as width x height, separated by commas: 728x90, 970x250.");
            }
            if (p.GamUnit.Length > 0 && (p.GamUnit.Length > 200 || !p.GamUnit.StartsWith('/') || p.GamUnit.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '<' or '>')))
            {
                ModelState.AddModelError(prefix + nameof(PositionForm.GamUnit), "An ad unit path starts with / and the network code: /21812345/home/top.");
            }
            if (p.PrebidBids.Length > 10_000)
            {
                ModelState.AddModelError(prefix + nameof(PositionForm.PrebidBids), "Keep the bids under 10,000 characters.");
            }
            else if (AdRules.PrebidBidsProblem(p.PrebidBids) is { } problem)
            {
                ModelState.AddModelError(prefix + nameof(PositionForm.PrebidBids), problem);
            }
            configured.Add(new AdPosition { Key = p.Key!, Enabled = p.Enabled, MobileSizes = p.MobileSizes ?? "", DesktopSizes = p.DesktopSizes ?? "", GamUnit = p.GamUnit ?? "", PrebidBids = p.PrebidBids ?? "" });
        }
        if (!ModelState.IsValid)
        {
            await LoadCreativesAsync(ct);
            return Page();
        }
        var s = edits.Current;
        var ads = s.Ads with
        {
            Label = Label ?? "",
            GamNetworkCode = GamNetworkCode ?? "",
            GamScriptUrl = GamScriptUrl ?? AdSettings.DefaultGptUrl,
            PrebidScriptUrl = PrebidScriptUrl ?? "",
            PrebidTimeoutMs = PrebidTimeoutMs,
            ConsentRequired = ConsentRequired,
            PartnerHosts = string.Join('\n', hosts.Distinct(StringComparer.Ordinal)),
            Positions = configured,
        };
        await edits.SaveAsync(s with { Ads = ads }, User, "ads", ClientIp, ct);
        catalog.Invalidate();
        Flash = "Ad settings saved.";
        return RedirectToPage();
    }

    private void Describe()
    {
        Title = "Ads";
        Area = "ads";
    }
}
