using System.Data.Common;
using Byline.Storage;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Byline.Events;

/// <summary>
/// Tells <see cref="ContentEvents"/> how each transaction ended, so that only events whose transaction
/// committed are handed to consumers from memory; a rolled-back or failed one's are dropped, and its
/// consumers read the table as they would after a crash. (A transaction's object says nothing of its
/// outcome once it has ended, and a pooled context lives on into the next request.)
/// </summary>
internal sealed class OutboxTransactions(ContentEvents events) : DbTransactionInterceptor, IStorageInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        events.TransactionEnded(eventData.Context, committed: true);
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        events.TransactionEnded(eventData.Context, committed: false);
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        events.TransactionEnded(eventData.Context, committed: false);
    }

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }
}
