using System.Net.Sockets;
using Npgsql;

namespace Byline.Tests.Support;

/// <summary>
/// Byline on a fresh PostgreSQL database, <c>byline_test_{guid}</c>, created on the server named by
/// <c>BYLINE_TEST_POSTGRES</c> and dropped afterwards. Without a reachable server every test of the
/// class fails with a message that says how to start one.
/// </summary>
public class PostgresApp : BylineApp
{
    private string? _server;
    private string? _name;

    public override TestDatabase Database => TestDatabase.Postgres;

    protected override async Task<string> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable(TestDatabases.PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL suites need a server and {TestDatabases.PostgresVariable} is not set. {TestDatabases.HowToStartPostgres}");
        }
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false, Timeout = 5 };
        var name = $"byline_test_{Id:N}";
        try
        {
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL at '{server}' is unreachable or refused to create a database ({e.Message}). {TestDatabases.HowToStartPostgres}", e);
        }
        _server = admin.ConnectionString;
        _name = name;
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_server is null || _name is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
