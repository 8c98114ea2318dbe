using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Byline.Tests.Security;

/// <summary>
/// HTTP/1.1 written byte for byte on a socket: what HttpClient will not send (an empty or malformed Host,
/// raw non-ASCII or NUL bytes in the request line, two Host headers).
/// </summary>
public static class RawHttp
{
    /// <summary>Sends the request and reads until the server closes; status 0 when it closed without an answer.</summary>
    public static async Task<RawResponse> SendAsync(Uri server, byte[] request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request, ct);
        var buffer = new byte[16 * 1024];
        var received = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                break;
            }
            received.Write(buffer, 0, read);
            if (IsEventStream(received))
            {
                // A live stream never ends; its status line is the answer (as in the corpus's HttpClient path).
                break;
            }
        }
        var bytes = received.ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return new RawResponse(StatusOf(bytes), split < 0 ? "" : text[(split + 4)..]);
    }

    /// <summary>A request head (lines joined with CRLF, Connection: close added) in Latin-1, so "\u00e9" is the single byte 0xE9.</summary>
    public static byte[] Head(string requestLine, IEnumerable<string> headers, string body = "")
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        var text = new StringBuilder(requestLine).Append("\r\n");
        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }
        text.Append("Connection: close\r\n");
        if (body.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.Latin1.GetByteCount(body)}\r\n");
        }
        text.Append("\r\n").Append(body);
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    private static bool IsEventStream(MemoryStream received)
    {
        var text = Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return end >= 0 && text[..end].Contains("content-type: text/event-stream", StringComparison.OrdinalIgnoreCase);
    }

    private static int StatusOf(byte[] response)
    {
        // "HTTP/1.1 400 Bad Request"
        if (response.Length < 12)
        {
            return 0;
        }
        var line = Encoding.ASCII.GetString(response, 0, Math.Min(response.Length, 64));
        return int.TryParse(line.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0;
    }
}

/// <summary>The status and the body (chunked framing left in: tests only look for a code in it).</summary>
public sealed record RawResponse(int Status, string Body);
