using System.Globalization;
using System.Text;
using Byline.Media;
using Byline.Storage;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

/// <summary>
/// A NewsML-G2 watched folder: each scan (run by <see cref="WirePoller"/> under the source's lease, so one node
/// scans a folder at a time) takes the <c>*.xml</c> files that have settled, oldest first, ingests each like a
/// polled NewsML-G2 document (the same quarantine), then moves it to <c>processed/</c>, or to <c>failed/</c>
/// with a <c>.reason.txt</c> beside it when the document as a whole could not be read. A bad file never stops
/// the next one.
/// </summary>
public sealed class WireFolder(WireIngest ingest, IWebHostEnvironment env, MediaStore media, IOptionsMonitor<WireOptions> options, TimeProvider clock, ILogger<WireFolder> log)
{
    public const string Processed = "processed";
    public const string Failed = "failed";

    /// <summary>Folders no source may watch, nor any folder inside or above them.</summary>
    private static readonly string[] SystemFolders = ["/proc", "/sys", "/dev", "/etc", "/boot", "/bin", "/sbin", "/lib", "/usr"];

    /// <summary>Why a folder cannot be watched, said for the admin; null when it can.</summary>
    public string? Check(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length > 1000 || !Path.IsPathFullyQualified(path))
        {
            return "Give the folder's full path (e.g. /srv/agency/newsml).";
        }
        string full;
        try
        {
            var info = new DirectoryInfo(path);
            if (!info.Exists)
            {
                return "That folder does not exist (or Byline cannot see it).";
            }
            full = Normal(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName);
            _ = info.EnumerateFiles("*.xml").Take(1).ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or System.Security.SecurityException)
        {
            return "Byline cannot read that folder: " + e.Message;
        }
        var own = new[] { env.ContentRootPath, env.WebRootPath, media.LocalRoot, Path.GetFullPath("data"), AppContext.BaseDirectory }
            .Where(r => !string.IsNullOrEmpty(r)).Select(r => Normal(r!));
        if (full == "/" || own.Concat(SystemFolders).Any(r => Inside(full, r) || Inside(r, full)))
        {
            return "That folder is inside (or holds) Byline's own files or the system's: choose a folder of its own for the agency's files.";
        }
        try
        {
            Directory.CreateDirectory(Path.Combine(full, Processed));
            Directory.CreateDirectory(Path.Combine(full, Failed));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"Byline cannot write in that folder (it moves each file into {Processed}/ or {Failed}/): " + e.Message;
        }
        return null;
    }

    /// <summary>One scan: the settled files, at most <see cref="WireOptions.FolderBatch"/>; an error only when the folder itself cannot be read.</summary>
    public async Task<(IngestResult Result, string? Error)> ScanAsync(WireSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var o = options.CurrentValue;
        var folder = source.FolderPath ?? "";
        List<FileInfo> files;
        try
        {
            var settled = clock.GetUtcNow().UtcDateTime - o.FolderSettle;
            files = [.. new DirectoryInfo(folder).EnumerateFiles("*.xml", SearchOption.TopDirectoryOnly)
                .Where(f => f.LastWriteTimeUtc <= settled).OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).Take(o.FolderBatch)];
            Directory.CreateDirectory(Path.Combine(folder, Processed));
            Directory.CreateDirectory(Path.Combine(folder, Failed));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or ArgumentException or System.Security.SecurityException)
        {
            return (IngestResult.None, "the folder could not be read: " + e.Message);
        }
        var result = IngestResult.None;
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            byte[] bytes;
            try
            {
                if (file.Length > o.MaxDocumentBytes)
                {
                    await RefuseAsync(source.Id, file, $"the file is larger than {o.MaxDocumentBytes:N0} bytes", ct);
                    result = result.Add(new IngestResult(0, 0, 0, 1));
                    continue;
                }
                bytes = await File.ReadAllBytesAsync(file.FullName, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone (another node took it after a lease ran out) or still locked: the next scan sees.
                log.LogInformation("Wire folder {Folder}: {File} skipped: {Reason}", folder, file.Name, e.Message);
                continue;
            }
            var document = WireParser.Parse(WireFeedKind.NewsMlG2, bytes, o.MaxItemBytes);
            result = result.Add(await ingest.IngestAsync(source.Id, document, ct));
            if (document.Unreadable is { } why)
            {
                Move(file, Failed, why);
            }
            else
            {
                Move(file, Processed, null);
            }
        }
        return (result, null);
    }

    private async Task RefuseAsync(int sourceId, FileInfo file, string reason, CancellationToken ct)
    {
        await ingest.QuarantineAsync(sourceId, new Refusal($"{file.Name}: {reason}", ""), ct);
        Move(file, Failed, reason);
    }

    /// <summary>Into processed/ or failed/ under its own name (a stamp added when the name is taken), with the reason beside a failed one.</summary>
    private void Move(FileInfo file, string into, string? reason)
    {
        var folder = Path.Combine(file.DirectoryName!, into);
        var target = Path.Combine(folder, file.Name);
        if (File.Exists(target))
        {
            target = Path.Combine(folder, Path.GetFileNameWithoutExtension(file.Name) + "-"
                + clock.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6] + file.Extension);
        }
        try
        {
            if (reason is not null)
            {
                File.WriteAllText(target + ".reason.txt", reason + Environment.NewLine, Encoding.UTF8);
            }
            File.Move(file.FullName, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("Wire folder: {File} could not be moved to {Into}/: {Reason}", file.FullName, into, e.Message);
        }
    }

    private static string Normal(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static bool Inside(string path, string root) =>
        path.Equals(root, StringComparison.Ordinal) || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
