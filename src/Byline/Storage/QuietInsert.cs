using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

public static class QuietInsert
{
    /// <summary>
    /// Inserts a row keyed so that only one can exist; another request (or node) that inserted it first
    /// wins quietly. Inside a transaction EF Core wraps the insert in a savepoint and rolls back to it when
    /// the insert is refused, so the transaction carries on (PostgreSQL would abort it otherwise). A
    /// database that cannot take the write (<see cref="StorageFailures.IsUnwritable"/>) still throws.
    /// </summary>
    public static async Task InsertQuietlyAsync<T>(this BylineDb db, T row, CancellationToken ct) where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(row);
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (!StorageFailures.IsUnwritable(e))
        {
            // The same key written at the same moment by another request (or node): theirs stands.
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }
}
