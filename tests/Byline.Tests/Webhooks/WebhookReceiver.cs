using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Byline.Tests.Webhooks;

/// <summary>One POST as the receiver saw it, with whether its signature verified against the secrets the test registered for its path.</summary>
public sealed record ReceivedHook(string Path, string Id, long Timestamp, string Signature, string Body, bool Verified, int SignaturesVerified)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Type => Json.GetProperty("type").GetString()!;
}

/// <summary>
/// A webhook receiver on loopback (a small Kestrel app): accepts POSTs on any path and verifies each
/// delivery's Standard Webhooks signature itself (HMAC-SHA256 of "id.timestamp.body" with the base64 key after
/// <c>whsec_</c>) — written here independently of Byline's signer, so a wrong signer fails the tests.
/// Paths starting <c>/fail</c> answer 500, <c>/redirect</c> answers 302 to the cloud metadata address,
/// <c>/hang</c> holds the request until the receiver is released, <c>/gated</c> holds each request until the
/// test admits it (<see cref="Admit"/>) or opens the gate for good (<see cref="OpenGate"/>).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedHook> _hooks = new();
    private readonly ConcurrentDictionary<string, string[]> _secrets = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _gate = new(0);
    private int _hanging;
    private int _held;
    private volatile bool _gateOpen;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = new("http://127.0.0.1");

    public IReadOnlyList<ReceivedHook> Hooks => [.. _hooks];

    public IReadOnlyList<ReceivedHook> At(string path) => [.. _hooks.Where(h => h.Path == path)];

    /// <summary>Requests held by <c>/hang</c> right now.</summary>
    public int Hanging => Volatile.Read(ref _hanging);

    public string Url(string path) => new Uri(Address, path).ToString();

    /// <summary>The secrets deliveries to <paramref name="path"/> must be signed with (any one of them verifying is enough).</summary>
    public void Expect(string path, params string[] secrets) => _secrets[path] = secrets;

    public void ReleaseHanging() => _release.TrySetResult();

    /// <summary>Requests to <c>/gated</c> waiting at the gate right now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Lets <paramref name="count"/> more requests to <c>/gated</c> through.</summary>
    public void Admit(int count) => _gate.Release(count);

    /// <summary>Lets every request to <c>/gated</c> through from now on, the waiting ones too.</summary>
    public void OpenGate()
    {
        _gateOpen = true;
        _gate.Release(100_000);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.AcceptAsync);
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over what arrived, or fails at the deadline saying what did arrive.</summary>
    public async Task<IReadOnlyList<ReceivedHook>> WaitForAsync(Func<IReadOnlyList<ReceivedHook>, bool> condition, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var hooks = Hooks;
            if (condition(hooks))
            {
                return hooks;
            }
            if (watch.Elapsed > deadline)
            {
                Assert.Fail($"{what}: not within {deadline.TotalSeconds:0} s. Received {hooks.Count}: "
                    + string.Join("; ", hooks.TakeLast(10).Select(h => $"{h.Path} {h.Id} {h.Type}")));
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private async Task AcceptAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = request.Path.Value ?? "/";
        var id = request.Headers["webhook-id"].ToString();
        var timestampText = request.Headers["webhook-timestamp"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        var timestamp = long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : -1;
        var verified = Verify(path, id, timestampText, body, signature);
        _hooks.Enqueue(new ReceivedHook(path, id, timestamp, signature, body, verified > 0, verified));
        if (path.StartsWith("/fail", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 500;
            return;
        }
        if (path.StartsWith("/redirect", StringComparison.Ordinal))
        {
            context.Response.Redirect("http://169.254.169.254/latest/meta-data/");
            return;
        }
        if (path.StartsWith("/hang", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _hanging);
            try
            {
                await _release.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _hanging);
            }
        }
        if (path.StartsWith("/gated", StringComparison.Ordinal) && !_gateOpen)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await _gate.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }
        context.Response.StatusCode = 204;
    }

    /// <summary>How many of the space-separated <c>v1,</c> signatures verify with one of the path's secrets (the spec: any one verifying is enough).</summary>
    private int Verify(string path, string id, string timestamp, string body, string header)
    {
        if (!_secrets.TryGetValue(path, out var secrets))
        {
            return 0;
        }
        var verified = 0;
        foreach (var entry in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!entry.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }
            var given = Convert.FromBase64String(entry[3..]);
            foreach (var secret in secrets)
            {
                var key = Convert.FromBase64String(secret["whsec_".Length..]);
                var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
                if (CryptographicOperations.FixedTimeEquals(expected, given))
                {
                    verified++;
                }
            }
        }
        return verified;
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHanging();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
