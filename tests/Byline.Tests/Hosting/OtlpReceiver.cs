using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Byline.Tests.Hosting;

/// <summary>One span as it arrived: its name, its kind (2 server, 3 client) and its encoded bytes (attributes included, for searching).</summary>
#pragma warning disable CA1819 // the bytes as received; tests only search them
public sealed record ReceivedSpan(string Name, int Kind, byte[] Raw)
#pragma warning restore CA1819
{
    public const int Server = 2;

    public bool Mentions(string text) => Raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}

/// <summary>
/// A small OTLP/HTTP collector on loopback: it accepts the protobuf POSTs an exporter sends to
/// <c>/v1/traces</c> (and <c>/v1/metrics</c>, <c>/v1/logs</c>, which it only counts) and decodes the
/// spans out of each <c>ExportTraceServiceRequest</c> with a minimal protobuf reader.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentDictionary<string, int> _posts = new(StringComparer.Ordinal);

    private OtlpReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; private set; }

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans.ToArray();

    /// <summary>How many protobuf POSTs arrived per signal (traces, metrics, logs).</summary>
    public int Posts(string signal) => _posts.GetValueOrDefault(signal);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, new Uri("http://127.0.0.1"));
        app.MapPost("/v1/{signal}", receiver.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Address = new Uri(address);
        return receiver;
    }

    private async Task<IResult> AcceptAsync(string signal, HttpRequest request)
    {
        if (request.ContentType != "application/x-protobuf")
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        await using var unzipped = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : null;
        var body = (Stream?)unzipped ?? request.Body;
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        if (signal == "traces")
        {
            foreach (var span in SpansOf(copy.ToArray()))
            {
                _spans.Enqueue(span);
            }
        }
        _posts.AddOrUpdate(signal, 1, (_, n) => n + 1);
        // An empty ExportTraceServiceResponse: full success.
        return Results.Bytes([], "application/x-protobuf");
    }

    /// <summary>ExportTraceServiceRequest.resource_spans (1) → ResourceSpans.scope_spans (2) → ScopeSpans.spans (2) → Span.name (5).</summary>
    internal static IEnumerable<ReceivedSpan> SpansOf(byte[] request)
    {
        foreach (var resource in Fields(request, 1))
        {
            foreach (var scope in Fields(resource, 2))
            {
                foreach (var span in Fields(scope, 2))
                {
                    var name = Fields(span, 5).Select(n => Encoding.UTF8.GetString(n)).FirstOrDefault() ?? "";
                    yield return new ReceivedSpan(name, (int)(VarintField(span, 6) ?? 0), span);
                }
            }
        }
    }

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of one protobuf message.</summary>
    private static List<byte[]> Fields(byte[] message, int number) =>
        [.. Read(message).Where(f => f.Number == number && f.Bytes is not null).Select(f => f.Bytes!)];

    private static ulong? VarintField(byte[] message, int number) =>
        Read(message).Where(f => f.Number == number && f.Bytes is null).Select(f => (ulong?)f.Value).FirstOrDefault();

    /// <summary>Every field of one protobuf message: varints with their value, length-delimited ones with their bytes.</summary>
    private static List<(int Number, ulong Value, byte[]? Bytes)> Read(byte[] message)
    {
        var found = new List<(int, ulong, byte[]?)>();
        var at = 0;
        while (at < message.Length)
        {
            var key = Varint(message, ref at);
            var wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    found.Add(((int)(key >> 3), Varint(message, ref at), null));
                    break;
                case 1:
                    at += 8;
                    break;
                case 5:
                    at += 4;
                    break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    found.Add(((int)(key >> 3), 0, message[at..(at + length)]));
                    at += length;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wire} at byte {at} is not one OTLP uses");
            }
        }
        return found;
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
