using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Newsroom.Saving;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Byline.Tests.Newsroom;

/// <summary>
/// A database that takes no writes (a read-only SQLite file; a PostgreSQL database set
/// <c>default_transaction_read_only</c>): a node still starts and reads, the newsroom says it cannot
/// save now beside the form with the typed text kept (503, never the reader's 500 page), sign-in
/// says nobody can sign in now, and the <c>database-writable</c> health check reports it.
/// </summary>
public abstract class ReadOnlyDatabaseTests(BylineApp app)
{
    /// <summary>Makes the database refuse writes and starts a node on it; disposing the node makes it writable again.</summary>
    protected abstract Task<ReadOnlyNode> ReadOnlyAsync();

    protected sealed class ReadOnlyNode(BylineNode node, Func<Task> restore) : IAsyncDisposable
    {
        public BylineNode Node { get; } = node;

        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            await restore();
        }
    }

    private static Task<HealthReport> WritableCheckAsync(IServiceProvider services) =>
        services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == DatabaseWritableHealthCheck.Name);

    [DatabaseFact]
    public async Task Saving_a_story_says_the_newsroom_cannot_save_now_and_keeps_the_typed_text()
    {
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var story = await app.Content.StoryAsync(await app.Content.SectionAsync(), new StorySpec { Status = ArticleStatus.Draft });
        var path = $"/newsroom/stories/{story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var headline = TestContent.Unique("Typed headline");
        const string body = "A paragraph typed while the database was read-only.\n\nAnd a second one.";

        HttpResponseMessage save;
        await using (var readOnly = await ReadOnlyAsync())
        {
            using var onNode = editor.Via(readOnly.Node);
            save = await onNode.SubmitAsync(path, new Dictionary<string, string> { ["Form.Headline"] = headline, ["Form.Body"] = body }, "#story-form");
        }

        using (save)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, save.StatusCode);
            Assert.NotNull(save.Headers.RetryAfter);
            var page = await NewsroomClient.ParseAsync(save);
            page.One($"[data-error={CannotSaveFilter.Code}]");
            Assert.Equal(headline, page.One("#story-form input[name='Form.Headline']").GetAttribute("value"));
            Assert.Equal(body, page.One("#story-form textarea[name='Form.Body']").TextContent.Replace("\r\n", "\n", StringComparison.Ordinal).Trim());
        }
        Assert.Equal(story.Headline, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id).Select(a => a.Headline).SingleAsync()));
    }

    [DatabaseFact]
    public async Task A_curation_form_says_the_newsroom_cannot_save_now_and_keeps_the_typed_text()
    {
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var typed = TestContent.Unique("Chip");

        HttpResponseMessage save;
        await using (var readOnly = await ReadOnlyAsync())
        {
            using var onNode = editor.Via(readOnly.Node);
            save = await onNode.SubmitAsync("/newsroom/curation/trending", new Dictionary<string, string> { ["Groups[0].Links[0].Label"] = typed, ["Groups[0].Links[0].Url"] = "/tag/read-only" });
        }

        using (save)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, save.StatusCode);
            var page = await NewsroomClient.ParseAsync(save);
            page.One($"[data-error={CannotSaveFilter.Code}]");
            Assert.Equal(typed, page.One("input[name='Groups[0].Links[0].Label']").GetAttribute("value"));
            Assert.Equal("/tag/read-only", page.One("input[name='Groups[0].Links[0].Url']").GetAttribute("value"));
        }
    }

    [DatabaseFact]
    public async Task Sign_in_says_the_newsroom_cannot_sign_in_now_and_issues_no_session()
    {
        var (user, password) = await NewsroomClient.CreateUserAsync(app, Roles.Contributor);

        HttpResponseMessage signIn;
        NewsroomClient client;
        await using (var readOnly = await ReadOnlyAsync())
        {
            client = NewsroomClient.Anonymous(app).Via(readOnly.Node);
            signIn = await client.SignInAsync(user.Email!, password);
        }

        using (client)
        using (signIn)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
            var page = await NewsroomClient.ParseAsync(signIn);
            Assert.Equal("unavailable", page.One("[data-error]").GetAttribute("data-error"));
            Assert.Equal(user.Email, page.One("input[name=Email]").GetAttribute("value"));
            Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == NewsroomExtensions.AuthCookie);
        }
    }

    [DatabaseFact]
    public async Task The_database_writable_check_reports_a_database_that_refuses_writes()
    {
        var before = await WritableCheckAsync(app.Services);

        HealthReport during;
        await using (var readOnly = await ReadOnlyAsync())
        {
            during = await WritableCheckAsync(readOnly.Node.Services);
            using var home = await readOnly.Node.Client.GetAsync(new Uri("/newsroom/signin", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }
        var after = await WritableCheckAsync(app.Services);

        Assert.Equal(HealthStatus.Healthy, before.Entries[DatabaseWritableHealthCheck.Name].Status);
        Assert.Equal(HealthStatus.Unhealthy, during.Entries[DatabaseWritableHealthCheck.Name].Status);
        Assert.Contains("ready", during.Entries[DatabaseWritableHealthCheck.Name].Tags);
        Assert.Equal(HealthStatus.Healthy, after.Entries[DatabaseWritableHealthCheck.Name].Status);
    }
}

/// <summary>The app's own file, opened by the second node with <c>Mode=ReadOnly</c>: SQLite refuses every write (SQLITE_READONLY).</summary>
public sealed class ReadOnlyDatabaseTestsOnSqlite(SqliteApp app) : ReadOnlyDatabaseTests(app), IClassFixture<SqliteApp>
{
#pragma warning disable CA2000 // the node belongs to the ReadOnlyNode, which the test disposes
    protected override async Task<ReadOnlyNode> ReadOnlyAsync() =>
        new(await app.StartNodeAsync(app.ConnectionString + ";Mode=ReadOnly"), () => Task.CompletedTask);
#pragma warning restore CA2000
}

/// <summary>
/// <c>ALTER DATABASE … SET default_transaction_read_only = on</c>, as an operator (or a failover to a
/// standby) would; pools are cleared so every new connection, of either node, starts read-only.
/// </summary>
public sealed class ReadOnlyDatabaseTestsOnPostgres(PostgresApp app) : ReadOnlyDatabaseTests(app), IClassFixture<PostgresApp>
{
    protected override async Task<ReadOnlyNode> ReadOnlyAsync()
    {
        await SetReadOnlyAsync(true);
        try
        {
#pragma warning disable CA2000 // the node belongs to the ReadOnlyNode, which the test disposes
            return new(await app.StartNodeAsync(), () => SetReadOnlyAsync(false));
#pragma warning restore CA2000
        }
        catch
        {
            await SetReadOnlyAsync(false);
            throw;
        }
    }

    private async Task SetReadOnlyAsync(bool on)
    {
        var builder = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Pooling = false };
        var name = builder.Database!;
        builder.Database = "postgres";
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                on ? $"ALTER DATABASE \"{name}\" SET default_transaction_read_only = on" : $"ALTER DATABASE \"{name}\" RESET default_transaction_read_only",
                connection);
            await command.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
    }
}
