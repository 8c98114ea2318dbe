using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Byline.Tests.Storage;

/// <summary>The connection-string defaults Byline gives PostgreSQL (Storage/StorageExtensions.cs, docs/speed.md).</summary>
public sealed class NpgsqlDefaultsTests
{
    [Fact]
    public void A_connection_string_that_says_nothing_gets_automatic_preparation_and_no_reset()
    {
        var applied = new NpgsqlConnectionStringBuilder(NpgsqlDefaults.Apply("Host=db.internal;Username=byline;Database=byline"));

        Assert.Equal(NpgsqlDefaults.MaxAutoPrepare, applied.MaxAutoPrepare);
        Assert.Equal(NpgsqlDefaults.AutoPrepareMinUsages, applied.AutoPrepareMinUsages);
        Assert.True(applied.NoResetOnClose);
        Assert.Equal("db.internal", applied.Host);
        Assert.Equal("byline", applied.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=7;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;AUTO PREPARE MIN USAGES=7;noresetonclose=false")]
    public void The_operators_own_settings_win(string connection)
    {
        var applied = new NpgsqlConnectionStringBuilder(NpgsqlDefaults.Apply(connection));

        Assert.Equal(0, applied.MaxAutoPrepare);
        Assert.Equal(7, applied.AutoPrepareMinUsages);
        Assert.False(applied.NoResetOnClose);
    }
}

/// <summary>The defaults reach the site's own DbContext (PostgreSQL only: SQLite has no such settings).</summary>
public sealed class NpgsqlDefaultsOnPostgres(PostgresApp app) : IClassFixture<PostgresApp>
{
    [DatabaseFact]
    public async Task The_site_talks_to_PostgreSQL_with_the_defaults()
    {
        var connection = await app.WithDbAsync(db => Task.FromResult(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString())));

        Assert.Equal(NpgsqlDefaults.MaxAutoPrepare, connection.MaxAutoPrepare);
        Assert.Equal(NpgsqlDefaults.AutoPrepareMinUsages, connection.AutoPrepareMinUsages);
        Assert.True(connection.NoResetOnClose);
    }
}
