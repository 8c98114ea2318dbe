using System.Diagnostics;

namespace Byline.Tests.Support;

/// <summary>
/// Redis for the multi-node suite. <see cref="Shared"/> is the server scripts/test.sh starts
/// (<c>BYLINE_TEST_REDIS</c>); a suite that stops and restarts Redis starts one of its own with
/// <see cref="StartOwnAsync"/> (the <c>redis-server</c> binary scripts/test.sh installs), so it never pulls
/// the server from under another suite. Without either, the suite fails with a message saying how to get one.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Variable = "BYLINE_TEST_REDIS";

    private static readonly string[] Binaries = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

    private readonly string _folder;
    private Process? _process;

    private RedisServer(int port, string folder)
    {
        Port = port;
        _folder = folder;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The server named by <c>BYLINE_TEST_REDIS</c> (host:port).</summary>
    public static string Shared()
    {
        var address = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new InvalidOperationException(
                $"The multi-node suite needs Redis and {Variable} is not set. Run scripts/test.sh (it installs redis-server and starts one), " +
                $"or start one yourself: redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes, then {Variable}=127.0.0.1:6390.");
        }
        return address;
    }

    /// <summary>A throwaway redis-server of this suite's own, on a free loopback port.</summary>
    public static async Task<RedisServer> StartOwnAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "byline-tests", "redis-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        var server = new RedisServer(ServerProcess.FreePort(), folder);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts (again) on the same port: what nodes see when Redis comes back after a restart.</summary>
    public async Task StartAsync()
    {
        var binary = Binaries.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: scripts/test.sh installs it (apt-get install redis-server).");
        string[] args = ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder];
        _process = await ServerProcess.StartAsync(binary, args, Port, () => "see redis-server's output");
    }

    /// <summary>Kills the server outright, as a crash or a restart would.</summary>
    public async Task StopAsync()
    {
        await ServerProcess.StopAsync(_process);
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ServerProcess.DeleteFolder(_folder);
    }
}
