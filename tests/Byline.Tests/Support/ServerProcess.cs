using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Byline.Tests.Support;

/// <summary>What the suites' own servers (nginx, redis-server) share: a free loopback port, start, wait, stop and clean up.</summary>
internal static class ServerProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <paramref name="binary"/> with its output drained, and waits until it accepts connections on <paramref name="port"/>.</summary>
    public static async Task<Process> StartAsync(string binary, IEnumerable<string> args, int port, Func<string> log)
    {
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException(binary + " did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    Assert.Fail($"{binary} exited with {process.ExitCode}: {log()}");
                }
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, $"{Path.GetFileName(binary)} listening on {port}", TimeSpan.FromSeconds(20));
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
        return process;
    }

    /// <summary>Kills it outright (a crash, as far as its clients can tell).</summary>
    public static async Task StopAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }
}
