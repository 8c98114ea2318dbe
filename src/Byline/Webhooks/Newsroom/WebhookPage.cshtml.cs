using System.Globalization;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Webhooks.Newsroom;

public sealed record DeliveryRow(long Id, string Type, long EventId, WebhookDeliveryStatus Status, int Attempts, DateTime CreatedAt,
    DateTime NextAttemptAt, DateTime? DeliveredAt, IReadOnlyList<WebhookAttempt> Log);

/// <summary>
/// Admin: one subscription — switch it on or off, rotate its secret, replay one delivery or those created in a
/// time range, delete it — and its delivery log (each attempt with status code, time taken and error).
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class WebhookPageModel(BylineDb db, WebhookSubscriptions subscriptions, TimeProvider clock) : NewsroomPageModel
{
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public const int Shown = 50;

    public WebhookSubscription Subscription { get; private set; } = null!;
    public IReadOnlyList<DeliveryRow> Deliveries { get; private set; } = [];

    /// <summary>A secret just made by a rotation, on that response only.</summary>
    public string? NewSecret { get; private set; }

    [BindProperty]
    public double OverlapHours { get; set; } = 24;

    [BindProperty]
    public DateTime? From { get; set; }

    [BindProperty]
    public DateTime? To { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEnableAsync(int id, CancellationToken ct) =>
        await subscriptions.SetEnabledAsync(id, true, User, ClientIp, ct) ? Done(id, "Switched on: waiting deliveries go out now.") : NotFound();

    public async Task<IActionResult> OnPostDisableAsync(int id, CancellationToken ct) =>
        await subscriptions.SetEnabledAsync(id, false, User, ClientIp, ct) ? Done(id, "Switched off: nothing is sent or queued until it is on again.") : NotFound();

    public async Task<IActionResult> OnPostRotateAsync(int id, CancellationToken ct)
    {
        if (!double.IsFinite(OverlapHours) || OverlapHours is < 0 or > 24 * 30)
        {
            ModelState.AddModelError(nameof(OverlapHours), "Keep the old secret for 0 to 720 hours.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }
        var secret = await subscriptions.RotateAsync(id, TimeSpan.FromHours(OverlapHours), User, ClientIp, ct);
        if (secret is null)
        {
            return NotFound();
        }
        NewSecret = secret;
        await LoadAsync(id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReplayAsync(int id, long delivery, CancellationToken ct) =>
        await subscriptions.ReplayAsync(id, delivery, User, ClientIp, ct)
            ? Done(id, string.Create(CultureInfo.InvariantCulture, $"Delivery {delivery} is sent again."))
            : NotFound();

    public async Task<IActionResult> OnPostReplayRangeAsync(int id, CancellationToken ct)
    {
        if (From is null)
        {
            ModelState.AddModelError(nameof(From), "Give the start of the range.");
        }
        if (To is null)
        {
            ModelState.AddModelError(nameof(To), "Give the end of the range.");
        }
        else if (From is not null && To <= From)
        {
            ModelState.AddModelError(nameof(To), "The end must come after the start.");
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }
        var from = DateTime.SpecifyKind(From!.Value, DateTimeKind.Utc);
        var to = DateTime.SpecifyKind(To!.Value, DateTimeKind.Utc);
        if (!await db.Set<WebhookSubscription>().AnyAsync(s => s.Id == id, ct))
        {
            return NotFound();
        }
        var count = await subscriptions.ReplayRangeAsync(id, from, to, User, ClientIp, ct);
        return Done(id, count == 0 ? "No deliveries were created in that range." : string.Create(CultureInfo.InvariantCulture, $"{count} deliveries are sent again."));
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken ct)
    {
        if (!await subscriptions.DeleteAsync(id, User, ClientIp, ct))
        {
            return NotFound();
        }
        Flash = "Subscription deleted, with its delivery log.";
        return Redirect("/newsroom/webhooks");
    }

    private RedirectResult Done(int id, string message)
    {
        Flash = message;
        return Redirect(string.Create(CultureInfo.InvariantCulture, $"/newsroom/webhooks/{id}"));
    }

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var subscription = await db.Set<WebhookSubscription>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return false;
        }
        Subscription = subscription;
        Title = "Webhook: " + subscription.Name;
        Area = "webhooks";
        var deliveries = await db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.SubscriptionId == id).OrderByDescending(d => d.Id).Take(Shown)
            .Join(db.Set<WebhookMessage>(), d => d.MessageId, m => m.Id, (d, m) => new { d, m.Type, m.EventId })
            .ToListAsync(ct);
        var ids = deliveries.Select(x => x.d.Id).ToList();
        var attempts = (await db.Set<WebhookAttempt>().AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        Deliveries = [.. deliveries.OrderByDescending(x => x.d.Id).Select(x => new DeliveryRow(x.d.Id, x.Type, x.EventId, x.d.Status, x.d.Attempts, x.d.CreatedAt,
            x.d.NextAttemptAt, x.d.DeliveredAt, [.. attempts[x.d.Id]]))];
        return true;
    }
}
