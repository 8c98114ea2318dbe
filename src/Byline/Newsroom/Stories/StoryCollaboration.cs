using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

/// <summary>Someone else with the story open; <see cref="Editing"/> when they hold the lock.</summary>
public sealed record PresentPerson(int UserId, string Name, bool Editing);

/// <summary>Who holds a story's soft lock (null: nobody), since when, and whether it is the asking account.</summary>
public sealed record LockHolder(int UserId, string Name, DateTime Since);

public sealed record StoryPresenceState(IReadOnlyList<PresentPerson> Others, LockHolder? Holder, bool Mine);

public sealed record NoteRow(long Id, string UserName, int? UserId, string Text, DateTime CreatedAt, DateTime? ResolvedAt, string ResolvedByName);

public sealed record AssignmentRow(int UserId, string Name, DateTime? DueAt);

public sealed record AssigneeChoice(int UserId, string Name);

/// <summary>
/// Working together on a story, kept in the database so that every node sees the same thing:
/// presence (who has it open, refreshed by the editor page's heartbeat), the soft lock (who is
/// editing; the first keystroke takes it, a second person may take it over, saves by anyone else
/// are refused), editorial notes and the assignment.
/// </summary>
public sealed class StoryCollaboration(BylineDb db, TimeProvider clock)
{
    /// <summary>A page that has not beaten for this long has gone (tab closed, asleep, offline).</summary>
    public static readonly TimeSpan PresenceWindow = TimeSpan.FromSeconds(20);
    public const int MaxNotesShown = 200;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The editor page's heartbeat: marks the account present, keeps a lock the account holds and,
    /// when <paramref name="editing"/> (the page has been typed in) and the lock is free or its holder
    /// went quiet, takes it.
    /// </summary>
    public async Task<StoryPresenceState> BeatAsync(int articleId, int userId, bool editing, CancellationToken ct)
    {
        var now = Now;
        if (await db.StoryPresences.Where(p => p.ArticleId == articleId && p.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.SeenAt, now), ct) == 0)
        {
            await db.InsertQuietlyAsync(new StoryPresence { ArticleId = articleId, UserId = userId, SeenAt = now }, ct);
        }
        if (editing)
        {
            await TryHoldAsync(articleId, userId, ct);
        }
        else
        {
            // A page that holds the story (it took it over) keeps it while it is open, typing or not.
            await db.StoryLocks.Where(l => l.ArticleId == articleId && l.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(l => l.BeatAt, now), ct);
        }
        return await StateAsync(articleId, userId, ct);
    }

    /// <summary>Takes the lock if nobody holds it (or the holder went quiet), or refreshes it if this account holds it. True when held after.</summary>
    public Task<bool> TryHoldAsync(int articleId, int userId, CancellationToken ct) => StorySoftLock.HoldAsync(db, articleId, userId, Now, ct);

    /// <summary>Takes the lock whoever holds it. Answers the previous holder's name (null: nobody, or this account).</summary>
    public async Task<string?> TakeOverAsync(int articleId, int userId, CancellationToken ct)
    {
        var now = Now;
        var before = await HolderAsync(articleId, ct);
        if (await db.StoryLocks.Where(l => l.ArticleId == articleId)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UserId, userId).SetProperty(l => l.Since, now).SetProperty(l => l.BeatAt, now), ct) == 0)
        {
            await db.InsertQuietlyAsync(new StoryLock { ArticleId = articleId, UserId = userId, Since = now, BeatAt = now }, ct);
        }
        return before is { } b && b.UserId != userId ? b.Name : null;
    }

    /// <summary>
    /// The page closed: no longer present. A lock it held is left to expire (<see cref="StorySoftLock.Window"/>):
    /// the same account's next page (a reload, a take-over) may already hold it again, and a beacon from
    /// the page before must not free it.
    /// </summary>
    public Task LeaveAsync(int articleId, int userId, CancellationToken ct) =>
        db.StoryPresences.Where(p => p.ArticleId == articleId && p.UserId == userId).ExecuteDeleteAsync(ct);

    /// <summary>Frees the lock if this account holds it (a save through the form ends the editing session).</summary>
    public Task ReleaseAsync(int articleId, int userId, CancellationToken ct) =>
        db.StoryLocks.Where(l => l.ArticleId == articleId && l.UserId == userId).ExecuteDeleteAsync(ct);

    /// <summary>The live holder of the lock, or null when nobody holds it or the holder went quiet.</summary>
    public async Task<LockHolder?> HolderAsync(int articleId, CancellationToken ct)
    {
        var stale = Now - StorySoftLock.Window;
        return await (from l in db.StoryLocks
                      join u in db.Users on l.UserId equals u.Id
                      where l.ArticleId == articleId && l.BeatAt >= stale
                      select new LockHolder(l.UserId, u.DisplayName, l.Since)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The live holder when it is someone other than <paramref name="userId"/>: their saves are the ones that count.</summary>
    public async Task<LockHolder?> HeldByOtherAsync(int articleId, int userId, CancellationToken ct) =>
        await HolderAsync(articleId, ct) is { } h && h.UserId != userId ? h : null;

    public async Task<StoryPresenceState> StateAsync(int articleId, int userId, CancellationToken ct)
    {
        var seen = Now - PresenceWindow;
        var holder = await HolderAsync(articleId, ct);
        var others = await (from p in db.StoryPresences
                            join u in db.Users on p.UserId equals u.Id
                            where p.ArticleId == articleId && p.UserId != userId && p.SeenAt >= seen
                            orderby u.DisplayName
                            select new { p.UserId, u.DisplayName }).Take(50).ToListAsync(ct);
        return new StoryPresenceState([.. others.Select(o => new PresentPerson(o.UserId, o.DisplayName, holder?.UserId == o.UserId))], holder, holder?.UserId == userId);
    }

    // ---- notes ----

    public async Task<IReadOnlyList<NoteRow>> NotesAsync(int articleId, CancellationToken ct) =>
        await db.StoryNotes.AsNoTracking().Where(n => n.ArticleId == articleId).OrderBy(n => n.Id).Take(MaxNotesShown)
            .Select(n => new NoteRow(n.Id, n.UserName, n.UserId, n.Text, n.CreatedAt, n.ResolvedAt, n.ResolvedByName)).ToListAsync(ct);

    public async Task<IReadOnlyList<NoteRow>> OpenNotesAsync(int articleId, CancellationToken ct) =>
        [.. (await NotesAsync(articleId, ct)).Where(n => n.ResolvedAt is null)];

    /// <summary>Adds a note; null when it is kept, else the message for the field.</summary>
    public async Task<string?> AddNoteAsync(int articleId, int? userId, string? userName, string? text, CancellationToken ct)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return "Write the note first.";
        }
        if (trimmed.Length > StoryNote.MaxText)
        {
            return $"A note holds at most {StoryNote.MaxText:N0} characters; this one has {trimmed.Length:N0}.";
        }
        db.StoryNotes.Add(new StoryNote { ArticleId = articleId, UserId = userId, UserName = Cut(userName), Text = trimmed, CreatedAt = Now });
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Resolves (or reopens) a note of this story; false when there is no such note.</summary>
    public async Task<bool> ResolveNoteAsync(int articleId, long noteId, bool resolve, string? userName, CancellationToken ct)
    {
        var now = Now;
        var name = Cut(userName);
        return await db.StoryNotes.Where(n => n.Id == noteId && n.ArticleId == articleId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ResolvedAt, resolve ? now : (DateTime?)null).SetProperty(n => n.ResolvedByName, resolve ? name : ""), ct) > 0;
    }

    // ---- assignment ----

    public Task<AssignmentRow?> AssignmentAsync(int articleId, CancellationToken ct) =>
        (from a in db.StoryAssignments
         join u in db.Users on a.UserId equals u.Id
         where a.ArticleId == articleId
         select new AssignmentRow(a.UserId, u.DisplayName, a.DueAt)).FirstOrDefaultAsync(ct);

    /// <summary>Enabled newsroom accounts a story can be assigned to.</summary>
    public async Task<IReadOnlyList<AssigneeChoice>> AssigneesAsync(CancellationToken ct) =>
        await db.Users.AsNoTracking().Where(u => !u.IsDisabled).OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Take(1000)
            .Select(u => new AssigneeChoice(u.Id, u.DisplayName)).ToListAsync(ct);

    /// <summary>Assigns the story (or, with no account, clears the assignment). False when the account is not an enabled one.</summary>
    public async Task<bool> AssignAsync(int articleId, int? userId, DateTime? dueUtc, int? byUserId, CancellationToken ct)
    {
        await db.StoryAssignments.Where(a => a.ArticleId == articleId).ExecuteDeleteAsync(ct);
        if (userId is not { } uid)
        {
            return true;
        }
        if (!await db.Users.AnyAsync(u => u.Id == uid && !u.IsDisabled, ct))
        {
            return false;
        }
        db.StoryAssignments.Add(new StoryAssignment { ArticleId = articleId, UserId = uid, DueAt = dueUtc, AssignedById = byUserId, AssignedAt = Now });
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static string Cut(string? name) => (name ?? "").Length > 256 ? name![..256] : name ?? "";
}
