using System.Net;
using Byline.Tests.Support;

namespace Byline.Tests.Hosting;

public abstract class HealthTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Healthz_answers_200_once_started()
    {
        using var response = await app.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class HealthOnSqlite(SqliteApp app) : HealthTests(app), IClassFixture<SqliteApp>;

public sealed class HealthOnPostgres(PostgresApp app) : HealthTests(app), IClassFixture<PostgresApp>;

public sealed class TestDatabaseChoiceTests
{
    [Fact]
    public void The_database_list_names_only_known_databases() =>
        Assert.True(TestDatabases.Unknown.Count == 0,
            $"{TestDatabases.Variable} names unknown databases: {string.Join(", ", TestDatabases.Unknown)} (use sqlite, postgres)");

    [Fact]
    public void At_least_one_database_is_chosen() =>
        Assert.True(TestDatabases.Selected.Count > 0, $"{TestDatabases.Variable} chooses no database (use sqlite, postgres)");
}
