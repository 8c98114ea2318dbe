using System.Globalization;
using Byline.Hosting;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Byline.Newsletters;

/// <summary>
/// Reads the bounce mailbox (<see cref="NewsletterOptions.BounceMaildir"/>, a Maildir the mail server delivers the
/// bounce address's mail to) in the background: every report in <c>new/</c> addressed to the bounce address is
/// recorded (<see cref="NewsletterBounces"/>) and then moved to <c>cur/</c> as seen. One node at a time reads it — a
/// lease row taken with one conditional UPDATE, as the sender's issue leases — and a report read twice (a crash
/// between recording and moving) counts once, because each report is recorded under its own key.
/// </summary>
public sealed class NewsletterBounceReader(
    IServiceScopeFactory scopes,
    IOptionsMonitor<NewsletterOptions> options,
    Readiness readiness,
    TimeProvider clock,
    ILogger<NewsletterBounceReader> log) : BackgroundService
{
    public const string LeaseName = "bounce-mailbox";

    /// <summary>Files looked at and left alone (not for the bounce address): read once per process, not every poll.</summary>
    private readonly HashSet<string> _notOurs = new(StringComparer.Ordinal);

    public string Node { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
#pragma warning disable CA1031 // Start-up failed: the ready check says so.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var o = options.CurrentValue;
            if (!string.IsNullOrEmpty(o.BounceMaildir))
            {
                try
                {
                    await ReadOnceAsync(o, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
#pragma warning disable CA1031 // A database or a folder briefly away must not end bounce reading for good.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    log.LogWarning(e, "Reading the bounce mailbox failed; trying again");
                }
            }
            try
            {
                await Task.Delay(o.BouncePollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await using var scope = scopes.CreateAsyncScope();
        var node = Node;
        await scope.ServiceProvider.GetRequiredService<BylineDb>().Set<NewsletterJobLease>().Where(l => l.Name == LeaseName && l.Owner == node)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.Until, (DateTime?)null), CancellationToken.None);
    }

    /// <summary>One pass over <c>new/</c>; returns the reports recorded (0 when another node holds the mailbox).</summary>
    public async Task<int> ReadOnceAsync(NewsletterOptions o, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        var incoming = Path.Combine(o.BounceMaildir!, "new");
        if (!Directory.Exists(incoming))
        {
            return 0;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        if (!await TakeLeaseAsync(db, o, ct))
        {
            return 0;
        }
        var bounces = scope.ServiceProvider.GetRequiredService<NewsletterBounces>();
        var bounceAddress = o.BounceAddress.Trim();
        var recorded = 0;
        foreach (var file in Directory.EnumerateFiles(incoming).Order(StringComparer.Ordinal).ToList())
        {
            ct.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            if (_notOurs.Contains(name))
            {
                continue;
            }
            MimeMessage message;
            try
            {
                if (new FileInfo(file).Length > o.MaxBounceReportBytes)
                {
                    log.LogWarning("Bounce mailbox: {File} is larger than MaxBounceReportBytes; left unread", name);
                    _notOurs.Add(name);
                    continue;
                }
                message = await MimeMessage.LoadAsync(file, ct);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                // Gone (another reader moved it) or not a message at all.
                _notOurs.Add(name);
                continue;
            }
            using (message)
            {
                // A mailbox shared with other mail: only what was delivered to the bounce address is ours.
                var to = (message.Headers["Delivered-To"] ?? "").Trim();
                if (bounceAddress.Length > 0 && to.Length > 0 && !string.Equals(to, bounceAddress, StringComparison.OrdinalIgnoreCase))
                {
                    _notOurs.Add(name);
                    continue;
                }
                recorded += (await bounces.RecordAsync(message, "mailbox", ct)).Recorded;
            }
            Seen(o.BounceMaildir!, file, name);
        }
        return recorded;
    }

    /// <summary>Maildir's "seen": new/NAME → cur/NAME:2,S (atomic rename on one file system).</summary>
    private void Seen(string maildir, string file, string name)
    {
        var target = Path.Combine(maildir, "cur", name.Contains(":2,", StringComparison.Ordinal) ? name : name + ":2,S");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target);
        }
        catch (IOException e)
        {
            log.LogWarning(e, "Bounce mailbox: could not move {File} to cur/", name);
            _notOurs.Add(name);
        }
    }

    private async Task<bool> TakeLeaseAsync(BylineDb db, NewsletterOptions o, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + o.LeaseDuration;
        var node = Node;
        if (await db.Set<NewsletterJobLease>().Where(l => l.Name == LeaseName && (l.Owner == null || l.Owner == node || l.Until < now))
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, node).SetProperty(l => l.Until, until), ct) == 1)
        {
            return true;
        }
        if (await db.Set<NewsletterJobLease>().AnyAsync(l => l.Name == LeaseName, ct))
        {
            return false;
        }
        db.Add(new NewsletterJobLease { Name = LeaseName, Owner = node, Until = until });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node made the row first and holds it.
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
