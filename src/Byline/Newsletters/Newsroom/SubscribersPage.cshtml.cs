using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Byline.Newsletters.Newsroom;

/// <summary>Subscribers as CSV: the export (every subscription with its consent dates) and the import (with consent dates, checked line by line, no confirmation mail).</summary>
[Authorize(Policy = Policies.Admin)]
[RequestSizeLimit(RequestLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestLimit)]
public sealed class SubscribersPageModel(NewsletterAdmin admin, IOptionsMonitor<NewsletterOptions> options) : NewsroomPageModel
{
    /// <summary>The framework's ceiling for the upload; the configured <see cref="NewsletterOptions.MaxImportBytes"/> is checked below it.</summary>
    public const long RequestLimit = 64L * 1024 * 1024;

    public ImportReport? Report { get; private set; }

    public long MaxBytes => options.CurrentValue.MaxImportBytes;

    public void OnGet() => Load();

    /// <summary>The CSV, streamed as it is read (a large list is never held in memory).</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"subscribers-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
        Response.Headers.CacheControl = "no-store";
        await admin.ExportCsvAsync(Response.Body, ct);
        return new EmptyResult();
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        Load();
        if (file is null || file.Length == 0)
        {
            ModelState.AddModelError("file", "Choose a CSV file.");
        }
        else if (file.Length > MaxBytes)
        {
            ModelState.AddModelError("file", $"The file is larger than {MaxBytes / (1024 * 1024)} MB; split it.");
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        ArgumentNullException.ThrowIfNull(file);
        await using var stream = file.OpenReadStream();
        Report = await admin.ImportCsvAsync(stream, User, ClientIp, ct);
        if (Report.Rejected)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }

    private void Load()
    {
        Title = "Newsletter subscribers";
        Area = "newsletters";
    }
}
