using System.Text.Json;

namespace Byline.Api.Admin;

/// <summary>
/// Reads a JSON request body strictly and within a bound: not JSON by its type (415), larger than
/// <see cref="ApiOptions.MaxJsonBytes"/> by its declared length or as it arrives (413, never read past
/// the bound), cut short (400), or not well-formed (400) — each refused with its code.
/// </summary>
public static class RequestBody
{
    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    public static async Task<JsonDocument> ReadJsonAsync(HttpContext http, int maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        if (!request.HasJsonContentType())
        {
            throw Refuse(StatusCodes.Status415UnsupportedMediaType, ApiProblems.UnsupportedMediaType, "Send the body as application/json.");
        }
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException)
        {
            // Kestrel's BadHttpRequestException (a body shorter than its Content-Length, a broken chunk) is an IOException.
            throw Refuse(StatusCodes.Status400BadRequest, ApiProblems.IncompleteBody, "The request body ended before it was complete.");
        }
        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Parsing);
        }
        catch (JsonException)
        {
            throw Refuse(StatusCodes.Status400BadRequest, ApiProblems.MalformedJson, "The body is not well-formed JSON.");
        }
    }

    private static ApiRefusalException TooLarge(int maxBytes) =>
        Refuse(StatusCodes.Status413PayloadTooLarge, ApiProblems.BodyTooLarge,
            $"The body is larger than {maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes.");

    private static ApiRefusalException Refuse(int status, string code, string title) => new(ApiProblems.Body(status, code, title));
}
