using System.Globalization;
using System.Security.Claims;
using System.Text;
using Byline.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Byline.Importing;

/// <summary>What the upload form said, kept to show it again beside an error.</summary>
public sealed class ImportUploadForm
{
    public bool DryRun { get; set; }
    public bool FetchMedia { get; set; }
    public string SiteUrl { get; set; } = "";
    public string PrimaryTag { get; set; } = "section";
    /// <summary>As typed, so a refused value is shown again; checked as 1 to 5,000.</summary>
    public string BatchSize { get; set; } = "250";
}

/// <summary>How an upload ended: a queued job, or the field at fault with a stable code and a message for people.</summary>
public sealed record ImportUploadResult(long? JobId, string? Field, string? Code, string? Message, int Status)
{
    public static ImportUploadResult Refused(string field, string code, string message, int status = StatusCodes.Status400BadRequest) =>
        new(null, field, code, message, status);
}

/// <summary>
/// Receives an export file from the newsroom's upload form without ever holding it in memory: the multipart
/// body is read section by section, the antiforgery token (the form's first field) is checked before a byte
/// of the file is written, and the file streams to a temporary name under <see cref="ImportingOptions.Path"/>,
/// counted against <see cref="ImportingOptions.MaxUploadBytes"/>. Only a whole file that looks like a
/// WordPress or Ghost export is kept and queued; anything else leaves nothing behind.
/// </summary>
public sealed class ImportUploads(ImportJobs jobs, BylineDb db, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions,
    IOptionsMonitor<ImportingOptions> options, ILogger<ImportUploads> log)
{
    public const string FileField = "File";
    private const int FieldLimit = 4096;
    private const int SniffBytes = 8192;
    /// <summary>What the multipart framing and the form's other fields may add to the file's own size.</summary>
    private const long FramingAllowance = 1024 * 1024;

    public long MaxBytes => options.CurrentValue.MaxUploadBytes;

    /// <summary>Raises the request body limit for this one request (called only after the admin check passed).</summary>
    public void AllowLargeBody(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes > long.MaxValue - FramingAllowance ? null : MaxBytes + FramingAllowance;
        }
    }

    public async Task<ImportUploadResult> ReceiveAsync(HttpContext http, ImportUploadForm form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(form);
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return ImportUploadResult.Refused(FileField, "not-multipart", "Send the form as a file upload (multipart/form-data).");
        }
        var folder = Path.Combine(jobs.Folder, "uploads");
        Directory.CreateDirectory(folder);
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var tokenChecked = false;
        string? kept = null;
        string fileName = "";
        long bytes = 0;
        string? kind = null;
        try
        {
            for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!disposition.IsFileDisposition())
                {
                    var value = await ReadFieldAsync(section.Body, ct);
                    if (name == antiforgeryOptions.Value.FormFieldName)
                    {
                        if (!await TokenValidAsync(http, value))
                        {
                            return ImportUploadResult.Refused(FileField, "antiforgery", "The form had expired: reload the page and choose the file again.");
                        }
                        tokenChecked = true;
                    }
                    else
                    {
                        Field(form, name, value);
                    }
                    continue;
                }
                if (name != FileField || kept is not null)
                {
                    continue;
                }
                if (!tokenChecked)
                {
                    return ImportUploadResult.Refused(FileField, "antiforgery", "The form had expired: reload the page and choose the file again.");
                }
                fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "");
                var part = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".part");
                kept = part;
                (bytes, kind) = await SaveAsync(section.Body, part, ct);
                if (bytes > MaxBytes)
                {
                    return ImportUploadResult.Refused(FileField, "too-large",
                        string.Create(CultureInfo.InvariantCulture, $"The file is larger than the {Size(MaxBytes)} an import may be (Byline:Importing:MaxUploadBytes)."),
                        StatusCodes.Status413PayloadTooLarge);
                }
            }
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        {
            log.LogInformation("Import upload not received: {Error}", e.Message);
            var tooLarge = e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };
            Delete(kept);
            return tooLarge
                ? ImportUploadResult.Refused(FileField, "too-large", $"The file is larger than the {Size(MaxBytes)} an import may be (Byline:Importing:MaxUploadBytes).", StatusCodes.Status413PayloadTooLarge)
                : ImportUploadResult.Refused(FileField, "upload-broken", "The upload did not arrive whole: choose the file and send it again.");
        }
        finally
        {
            if (kept is not null && (kind is null || bytes == 0 || bytes > MaxBytes))
            {
                Delete(kept);
            }
        }
        if (!tokenChecked && !await TokenValidAsync(http, null))
        {
            return ImportUploadResult.Refused(FileField, "antiforgery", "The form had expired: reload the page and choose the file again.");
        }
        if (kept is null)
        {
            return ImportUploadResult.Refused(FileField, "no-file", "Choose an export file: WordPress's .xml, or Ghost's .json or .zip.");
        }
        if (bytes == 0)
        {
            return ImportUploadResult.Refused(FileField, "empty", "The file is empty: export the site again and upload the file it gives.");
        }
        if (kind is null)
        {
            return ImportUploadResult.Refused(FileField, "not-an-export",
                "This is not a WordPress export (a WXR .xml file) or a Ghost export (its .json, or a .zip holding it).");
        }
        var siteUrl = form.SiteUrl.Trim();
        if (siteUrl.Length > 0 && !(Uri.TryCreate(siteUrl, UriKind.Absolute, out var site) && (site.Scheme == Uri.UriSchemeHttp || site.Scheme == Uri.UriSchemeHttps)))
        {
            Delete(kept);
            return ImportUploadResult.Refused(nameof(ImportUploadForm.SiteUrl), "bad-site-url", "Give the old site's address as http:// or https://…, or leave it empty.");
        }
        if (!int.TryParse(form.BatchSize.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var batch) || batch is < 1 or > 5000)
        {
            Delete(kept);
            return ImportUploadResult.Refused(nameof(ImportUploadForm.BatchSize), "bad-batch-size", "Give a whole number of posts per batch from 1 to 5,000.");
        }
        var extension = kind == GhostImporter.Origin ? (IsZip(kept) ? ".zip" : ".json") : ".xml";
        var final = Path.ChangeExtension(kept, extension);
        File.Move(kept, final);
        var jobOptions = new ImportJobOptions(FetchMedia: form.FetchMedia, SiteUrl: siteUrl.Length > 0 ? siteUrl : null, PrimaryTagAsTag: form.PrimaryTag == "tag", BatchSize: batch);
        var who = http.User.FindFirstValue(ClaimTypes.Email) ?? http.User.Identity?.Name ?? "newsroom";
        var id = await jobs.QueueAsync(db, kind, final, fileName.Length > 0 ? fileName : Path.GetFileName(final), bytes, form.DryRun, jobOptions, who, ct);
        return new ImportUploadResult(id, null, null, null, StatusCodes.Status303SeeOther);
    }

    private async Task<bool> TokenValidAsync(HttpContext http, string? token)
    {
        // The token travels as the form's first field; handed to the validator as the header it also reads,
        // so the form (and the file after it) is never buffered to find it.
        var header = antiforgeryOptions.Value.HeaderName;
        if (token is not null && header is not null)
        {
            http.Request.Headers[header] = token;
        }
        if (header is null || token is null)
        {
            return false;
        }
        // While it validates, the request does not call itself a form: the validator must never read (and
        // buffer) the multipart body looking for the token, which would swallow the file.
        var contentType = http.Request.ContentType;
        http.Request.ContentType = "application/octet-stream";
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
        finally
        {
            http.Request.ContentType = contentType;
        }
    }

    private static void Field(ImportUploadForm form, string name, string value)
    {
        switch (name)
        {
            case nameof(ImportUploadForm.DryRun):
                form.DryRun = value is "true" or "on";
                break;
            case nameof(ImportUploadForm.FetchMedia):
                form.FetchMedia = value is "true" or "on";
                break;
            case nameof(ImportUploadForm.SiteUrl):
                form.SiteUrl = value.Length > 500 ? value[..500] : value;
                break;
            case nameof(ImportUploadForm.BatchSize):
                form.BatchSize = value.Length > 20 ? value[..20] : value;
                break;
            case nameof(ImportUploadForm.PrimaryTag):
                form.PrimaryTag = value == "tag" ? "tag" : "section";
                break;
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[FieldLimit];
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length, FieldLimit - length), ct)) > 0)
        {
            length += read;
            if (length == FieldLimit)
            {
                // Anything longer is no field of this form: drain it without keeping it.
                await body.CopyToAsync(Stream.Null, ct);
                break;
            }
        }
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Streams the file to disk, stopping one byte past the limit; returns its size and what its first bytes say it is.</summary>
    private async Task<(long Bytes, string? Kind)> SaveAsync(Stream body, string path, CancellationToken ct)
    {
        var max = MaxBytes;
        var head = new byte[SniffBytes];
        var headLength = 0;
        long total = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (headLength < SniffBytes)
                {
                    var take = Math.Min(read, SniffBytes - headLength);
                    Array.Copy(buffer, 0, head, headLength, take);
                    headLength += take;
                }
                total += read;
                if (total > max)
                {
                    return (total, null);
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        return (total, Sniff(head.AsSpan(0, headLength)));
    }

    /// <summary>WordPress's WXR (XML naming the export namespace), Ghost's JSON (its <c>db</c> key) or a zip; else null.</summary>
    internal static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return GhostImporter.Origin;
        }
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('<') && text.Contains("wordpress.org/export/", StringComparison.Ordinal))
        {
            return WordPressImporter.Origin;
        }
        if (text.StartsWith('{') && text.Contains("\"db\"", StringComparison.Ordinal))
        {
            return GhostImporter.Origin;
        }
        return null;
    }

    private static bool IsZip(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K';
    }

    private static void Delete(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
