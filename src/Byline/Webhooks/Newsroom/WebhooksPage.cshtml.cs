using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Webhooks.Newsroom;

public sealed record SubscriptionRow(int Id, string Name, string Url, IReadOnlyList<string> EventTypes, bool Enabled, string? DisabledReason,
    int ConsecutiveFailures, int Pending, DateTime? LastDeliveredAt);

/// <summary>Admin: the webhook subscriptions, and the form that creates one (its secret is shown on that one response only).</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class WebhooksPageModel(BylineDb db, WebhookSubscriptions subscriptions) : NewsroomPageModel
{
    public IReadOnlyList<SubscriptionRow> Subscriptions { get; private set; } = [];

    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string TargetUrl { get; set; } = "";

    [BindProperty]
#pragma warning disable CA2227, CA1002 // Model binding fills the checked boxes into this list.
    public List<string> EventTypes { get; set; } = [];
#pragma warning restore CA2227, CA1002

    /// <summary>The new subscription's secret, on the response that created it and nowhere else.</summary>
    public string? NewSecret { get; private set; }
    public int? NewId { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var input = new SubscriptionInput(Name ?? "", TargetUrl ?? "", EventTypes ?? []);
        var check = await subscriptions.CheckAsync(input, ct);
        if (!check.Ok)
        {
            foreach (var (field, message) in check.Errors)
            {
                ModelState.AddModelError(field == "Url" ? nameof(TargetUrl) : field, message);
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        var created = await subscriptions.CreateAsync(input, check.Target!, User, ClientIp, ct);
        NewSecret = created.Secret;
        NewId = created.Id;
        Name = "";
        TargetUrl = "";
        EventTypes = [];
        ModelState.Clear();
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Webhooks";
        Area = "webhooks";
        var rows = await db.Set<WebhookSubscription>().AsNoTracking().OrderBy(s => s.Name).ThenBy(s => s.Id)
            .Select(s => new
            {
                s.Id, s.Name, s.Url, s.EventTypes, s.Enabled, s.DisabledReason, s.ConsecutiveFailures,
                Pending = db.Set<WebhookDelivery>().Count(d => d.SubscriptionId == s.Id && d.Status == WebhookDeliveryStatus.Pending),
                Last = db.Set<WebhookDelivery>().Where(d => d.SubscriptionId == s.Id && d.DeliveredAt != null).Max(d => d.DeliveredAt),
            })
            .ToListAsync(ct);
        Subscriptions = [.. rows.Select(s => new SubscriptionRow(s.Id, s.Name, s.Url, WebhookEventTypes.Split(s.EventTypes), s.Enabled, s.DisabledReason,
            s.ConsecutiveFailures, s.Pending, s.Last))];
    }
}
