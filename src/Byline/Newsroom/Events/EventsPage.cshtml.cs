using System.Globalization;
using Byline.Events;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Events;

/// <summary>
/// Admin: where each consumer of content events stands (position, how far behind, retries, who holds
/// it), the events it gave up on, and the buttons to retry or skip them. Every action is audited.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class EventsPageModel(ContentEventDispatcher dispatcher, AuditLog audit, BylineDb db) : NewsroomPageModel
{
    public EventsStatus Status { get; private set; } = new(0, 0, false, [], []);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken ct)
    {
        var delivered = await dispatcher.RetryDeadLetterAsync(id, ct);
        await AuditAsync(AuditActions.EventRetried, Id(id), delivered ? "delivered" : "failed again", ct);
        if (!delivered)
        {
            ModelState.AddModelError("", $"Event {Id(id)} failed again; its newest error is shown in the list.");
            await LoadAsync(ct);
            return Page();
        }
        Flash = "Delivered: the dead letter is gone.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSkipAsync(long id, CancellationToken ct)
    {
        if (!await dispatcher.SkipDeadLetterAsync(id, ct))
        {
            return NotFound();
        }
        await AuditAsync(AuditActions.EventSkipped, Id(id), "dead letter dropped", ct);
        Flash = "Skipped: the event will not be delivered to that consumer.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRetryNowAsync(string consumer, CancellationToken ct)
    {
        if (!await dispatcher.RetryNowAsync(consumer ?? "", ct))
        {
            return NotFound();
        }
        await AuditAsync(AuditActions.EventRetried, consumer!, "retry now", ct);
        Flash = $"{consumer}: retrying now.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSkipCurrentAsync(string consumer, CancellationToken ct)
    {
        if (!await dispatcher.SkipCurrentAsync(consumer ?? "", ct))
        {
            ModelState.AddModelError("", $"{consumer} is not retrying an event now; nothing was skipped.");
            await LoadAsync(ct);
            return Page();
        }
        await AuditAsync(AuditActions.EventSkipped, consumer!, "event being retried set aside", ct);
        Flash = $"{consumer}: the event it was retrying is set aside as a dead letter.";
        return RedirectToPage();
    }

    public static string Describe(TimeSpan? lag) => lag switch
    {
        null => "—",
        { TotalSeconds: < 1 } => "under a second",
        { TotalMinutes: < 2 } l => string.Create(CultureInfo.InvariantCulture, $"{l.TotalSeconds:0} s"),
        { TotalHours: < 2 } l => string.Create(CultureInfo.InvariantCulture, $"{l.TotalMinutes:0} min"),
        var l => string.Create(CultureInfo.InvariantCulture, $"{l.Value.TotalHours:0.#} h"),
    };

    public static string StageName(ConsumerStage stage) => stage switch
    {
        ConsumerStage.LocalData => "This node's data",
        ConsumerStage.LocalPages => "This node's pages",
        _ => "Durable",
    };

    private async Task AuditAsync(string action, string id, string details, CancellationToken ct)
    {
        audit.Record(db, User, action, "event", id, details, ClientIp);
        await db.SaveChangesAsync(ct);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Content events";
        Area = "events";
        Status = await dispatcher.StatusAsync(ct);
    }
}
