using Byline.Content;
using System.Threading.Channels;
using Byline.Search;
using Npgsql;

namespace Byline.Demo;

/// <summary>
/// Fills PostgreSQL's search table during a bulk seed, on connections of its own, for the id ranges of
/// batches already committed — while the seeder generates and copies the next ones.
/// <para>Why: the search row's tsvector is a generated column, computed by the backend that inserts
/// the row, and parsing every body is the largest single cost of a seed. Filled in one statement after
/// the load it kept one core busy for minutes while the other idled; filled by several backends beside
/// the COPY, every core works for the whole seed.</para>
/// <para>The table's secondary indexes (the GIN index above all) are dropped at the start and built
/// once when the fill completes, or when it is abandoned, so the database always keeps its indexes.
/// Rows of stories that were already indexed stay untouched; the rows are made by the same SQL as
/// <c>search rebuild</c> (<see cref="PostgresSearchIndex.FillSql"/>).</para>
/// </summary>
internal sealed class PostgresSearchFill : IAsyncDisposable
{
    private readonly Channel<(int From, int To)> _ranges = Channel.CreateUnbounded<(int, int)>(
        new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _abandon = new();
    private readonly NpgsqlConnection _control;
    private readonly IAsyncDisposable _indexes;
    private readonly Task[] _workers;
    private bool _completed;

    private PostgresSearchFill(NpgsqlConnection control, IAsyncDisposable indexes, string connectionString, int workers)
    {
        _control = control;
        _indexes = indexes;
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(connectionString, _abandon.Token)))];
    }

    /// <summary>One filling connection per core (at least two), each taking the next range as it finishes one.</summary>
    public static int DefaultWorkers => Math.Clamp(Environment.ProcessorCount, 2, 8);

    public static async Task<PostgresSearchFill> StartAsync(string connectionString, int workers, CancellationToken ct)
    {
        var control = new NpgsqlConnection(connectionString);
        try
        {
            await control.OpenAsync(ct);
            var indexes = await ArticleBulkInsert.SuspendIndexesAsync(control, ["ArticleSearch"], ct);
            return new PostgresSearchFill(control, indexes, connectionString, workers);
        }
        catch
        {
            await control.DisposeAsync();
            throw;
        }
    }

    /// <summary>Queues the stories with ids <paramref name="from"/>..<paramref name="to"/>, already committed.</summary>
    public void Add(int from, int to)
    {
        // A filler that failed stops the seed now rather than after the last batch.
        if (Array.Find(_workers, w => w.IsFaulted) is { } failed)
        {
            failed.GetAwaiter().GetResult();
        }
        _ranges.Writer.TryWrite((from, to));
    }

    /// <summary>Fills what is still queued, on every connection at once; nothing can be added after.</summary>
    public async Task DrainAsync()
    {
        _ranges.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    /// <summary>Fills what is still queued, then builds the table's indexes over the filled rows.</summary>
    public async Task CompleteAsync()
    {
        await DrainAsync();
        _completed = true;
        await _indexes.DisposeAsync();
    }

    private async Task WorkAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        // Like the article batches: a range lost to a crash is refilled by `search rebuild`.
        await using (var session = new NpgsqlCommand("SET synchronous_commit = off", conn))
        {
            await session.ExecuteNonQueryAsync(ct);
        }
        await using var fill = new NpgsqlCommand($"{PostgresSearchIndex.FillSql} AND a.\"Id\" BETWEEN @from AND @to", conn) { CommandTimeout = 0 };
        var from = fill.Parameters.Add("from", NpgsqlTypes.NpgsqlDbType.Integer);
        var to = fill.Parameters.Add("to", NpgsqlTypes.NpgsqlDbType.Integer);
        await foreach (var range in _ranges.Reader.ReadAllAsync(ct))
        {
            from.Value = range.From;
            to.Value = range.To;
            await fill.ExecuteNonQueryAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            // Abandoned (the load failed or was cancelled): stop filling, but put the indexes back.
            _ranges.Writer.TryComplete();
            await _abandon.CancelAsync();
            try
            {
                await Task.WhenAll(_workers);
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException)
            {
                // The load's own error is the one reported; the stories it wrote are indexed by `search rebuild`.
            }
            await _indexes.DisposeAsync();
        }
        await _control.DisposeAsync();
        _abandon.Dispose();
    }
}
