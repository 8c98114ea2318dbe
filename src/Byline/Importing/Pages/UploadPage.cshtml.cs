using System.Globalization;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Importing.Pages;

/// <summary>
/// Admin: receives an export file and queues its import. The body is read here as a stream (see
/// <see cref="ImportUploads"/>), so the antiforgery token is checked there, before the file, rather than by
/// the filter that would read the whole form first; the request limit is raised for this request alone,
/// after the admin check.
/// </summary>
[Authorize(Policy = Policies.Admin)]
[IgnoreAntiforgeryToken]
public sealed class UploadPageModel(BylineDb db, ImportUploads uploads, TimeProvider clock) : ImportsPageBase(db, uploads, clock)
{
    public IActionResult OnGet() => Redirect("/newsroom/imports");

    // No parameters and no bound properties: binding anything would make MVC read (and buffer) the whole form first.
    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        Uploads.AllowLargeBody(HttpContext);
        var form = new ImportUploadForm();
        var result = await Uploads.ReceiveAsync(HttpContext, form, ct);
        if (result.JobId is long id)
        {
            Flash = string.Create(CultureInfo.InvariantCulture, $"Import {id} queued: it starts as soon as no other import runs.");
            return Redirect("/newsroom/imports");
        }
        Response.StatusCode = result.Status;
        Form = form;
        Refusal = result;
        await LoadAsync(ct);
        return Page();
    }
}
